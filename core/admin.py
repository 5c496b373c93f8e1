from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from core.accounts.invitations import invitation_send
from core.models import (
    Agent,
    Contact,
    ContactChannel,
    Invitation,
    Notice,
    NotificationPreference,
    OutboxMessage,
    RoleProfile,
    RoleProfileSkill,
    Scope,
    Site,
    Skill,
    Team,
    TeamChatWebhook,
    TeamMembership,
    User,
    Vendor,
)
from core.notifications import events as notification_events
from core.notifications import outbox
from core.selectors.tokens import token_expires_at, token_is_expired
from core.services.contacts import contact_save, contacts_delete
from core.services.tokens import token_revoke

# DRF's token admin, with each token's expiry: an admin revokes a token by deleting it.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(BaseTokenAdmin):
    list_display = ("user", "created", "expires", "expired")  # never the key: it is a password

    def delete_model(self, request, obj: TokenProxy) -> None:
        """Deleting revokes, through the service: written to the security log like a user's own revocation."""
        token_revoke(user=obj.user, actor=request.user, request=request)

    def delete_queryset(self, request, queryset) -> None:
        for token in queryset.select_related("user"):
            token_revoke(user=token.user, actor=request.user, request=request)

    @admin.display(description="expires")
    def expires(self, obj: TokenProxy):
        return token_expires_at(obj)

    @admin.display(description="expired", boolean=True)
    def expired(self, obj: TokenProxy) -> bool:
        return token_is_expired(obj)


class UserAdmin(BaseUserAdmin):
    """Users with their roles; registered as InvitingUserAdmin below (adding a user without a password invites them)."""

    list_display = ["username", "first_name", "last_name", "email", "role_list", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]

    @admin.display(description="Roles")
    def role_list(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "city", "country"]
    list_filter = ["vendor"]
    search_fields = ["name", "city"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "site", "is_active"]
    list_filter = ["vendor", "vendor__kind", "is_active"]
    search_fields = ["name", "vendor__name"]
    filter_horizontal = ["leads"]
    list_select_related = ["vendor", "site"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "employee_id", "email", "team", "role_profile", "start_date", "is_active"]
    list_filter = ["team__vendor", "team", "role_profile", "is_active"]
    search_fields = ["employee_id", "email", "user__first_name", "user__last_name", "user__username"]
    list_select_related = ["user", "team", "role_profile"]
    raw_id_fields = ["user"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["agent", "team", "start_date", "end_date"]
    list_filter = ["team"]
    search_fields = ["agent__employee_id", "agent__user__last_name"]
    list_select_related = ["agent__user", "team"]
    date_hierarchy = "start_date"


@admin.register(Scope)
class ScopeAdmin(admin.ModelAdmin):
    list_display = ["user"]
    search_fields = ["user__username", "user__last_name"]
    filter_horizontal = ["vendors", "teams"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "code", "tier", "kpis", "is_core"]
    list_display_links = ["name"]
    list_filter = ["tier", "is_core"]
    search_fields = ["name", "code", "description"]

    def get_readonly_fields(self, request, obj=None):
        # A core skill's code and core flag are permanent; code elsewhere relies on them.
        return ["code", "is_core"] if obj is not None and obj.is_core else ["is_core"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_core:
            return False
        return super().has_delete_permission(request, obj)


class RoleProfileSkillInline(admin.TabularInline):
    model = RoleProfileSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(RoleProfile)
class RoleProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [RoleProfileSkillInline]


@admin.register(ContactChannel)
class ContactChannelAdmin(admin.ModelAdmin):
    """The channel catalogue: contacts store the code, so a used code is kept (deactivate it instead)."""

    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Contacts, scorecards and sampling runs store the code: renaming it would orphan them.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Contact.objects.filter(channel=obj.code).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "case_id",
        "agent",
        "team",
        "channel",
        "started_at",
        "resolved",
        "csat",
        "ces",
        "nps",
    ]
    list_filter = ["channel", "resolved", "team__vendor", "team"]
    search_fields = ["external_id", "case_id", "agent__employee_id", "agent__email"]
    list_select_related = ["agent__user", "team"]
    date_hierarchy = "started_at"
    raw_id_fields = ["agent"]

    # Every write marks the days it changes (old and new agent and day, and the cases' other contacts) and queues
    # the rollup on commit, through the same services as every other path.
    def save_model(self, request, obj: Contact, form, change) -> None:
        contact_save(contact=obj)

    def delete_model(self, request, obj: Contact) -> None:
        contacts_delete(contacts=Contact.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        contacts_delete(contacts=queryset)


# ---------------------------------------------------------------- invitations (the user admin)
# A user added without a password gets an invitation to set their own; any user can be sent a new one (the
# "Send invitation" action), which ends their earlier open invitations.


class InvitingUserCreationForm(AdminUserCreationForm):
    """The add form: leave both password fields empty (or disable password sign-in) to email an invitation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["usable_password"].initial = "false"
        self.fields["usable_password"].help_text = (
            "Disabled (or both passwords left empty): the user is emailed an invitation to choose their own "
            f"password, valid for {settings.INVITATION_DAYS} days."
        )
        self.fields["email"].help_text = "Needed for the invitation."

    def validate_passwords(self, *args, **kwargs):
        if not self.cleaned_data.get("password1") and not self.cleaned_data.get("password2"):
            self.cleaned_data["usable_password"] = "false"
        super().validate_passwords(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("set_usable_password", True) and not cleaned_data.get("email"):
            self.add_error("email", "Give an email address to send the invitation to, or set a password.")
        return cleaned_data


@admin.register(User)
class InvitingUserAdmin(UserAdmin):
    add_form = InvitingUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "groups",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["send_invitation"]

    def save_related(self, request, form, formsets, change) -> None:
        """After the roles are saved (the email names them): invite a new user who has no password."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        if change or user.has_usable_password():
            return
        try:
            invitation_send(user=user, created_by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.WARNING)
        else:
            self.message_user(request, f"An invitation to set a password was emailed to {user.email}.")

    @admin.action(description="Send invitation (a link to set a password)")
    def send_invitation(self, request, queryset) -> None:
        sent, skipped = 0, []
        for user in queryset.order_by("username"):
            try:
                invitation_send(user=user, created_by=request.user)
            except ValidationError:
                skipped.append(user.get_username())
            else:
                sent += 1
        if sent:
            self.message_user(request, f"Invitations emailed to {sent} user(s); their earlier links stop working.")
        if skipped:
            self.message_user(
                request, f"Not sent (inactive or no email address): {', '.join(skipped)}.", messages.WARNING
            )


# Notifications: the outbox (what waits, what failed, send again), notices (read-only), preferences, teams' chat
# webhooks (their URLs are secrets) and invitations (never the token).


def mask_url(url: str) -> str:
    """A webhook URL is a password (whoever has it can post to the channel): show its host and last characters."""
    if not url:
        return ""
    host = url.split("//", 1)[-1].split("/", 1)[0]
    return f"{host}/…{url[-4:]}"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Every email and chat message leaving SkillHub: pending ones wait for the sweep or a retry, failed ones need a
    look (last error) and can be sent again."""

    change_list_template = "admin/skillhub/outboxmessage/change_list.html"
    list_display = ["created_at", "kind", "status", "event", "recipient", "subject", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind", "event"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again_now"]
    fields = [
        "kind",
        "status",
        "event",
        "key",
        "user",
        "recipient",
        "subject",
        "message_id",
        "attempts",
        "reclaims",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "headers",
        "text_body",
        "html_source",
        "payload",
        "inline_images",
    ]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False  # messages are written by the services, in the transaction of the change they tell of

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only; "Send again now" is the one write, and needs the change permission (below)

    def has_send_again_permission(self, request) -> bool:
        return request.user.has_perm("skillhub.change_outboxmessage")

    @admin.display(description="To", ordering="to")
    def recipient(self, obj: OutboxMessage) -> str:
        return mask_url(obj.to) if obj.kind == OutboxMessage.Kind.WEBHOOK else obj.to

    @admin.display(description="Text body")
    def text_body(self, obj: OutboxMessage) -> str:
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', obj.body_text or "—")

    @admin.display(description="HTML body (source)")
    def html_source(self, obj: OutboxMessage) -> str:
        return format_html(
            '<pre style="white-space:pre-wrap;max-height:40em;overflow:auto">{}</pre>', obj.body_html or "—"
        )

    @admin.display(description="Inline images")
    def inline_images(self, obj: OutboxMessage) -> str:
        return ", ".join(f"{image.get('cid')} ({image.get('subtype', 'png')})" for image in obj.images) or "—"

    @admin.action(description="Send again now", permissions=["send_again"])
    def send_again_now(self, request, queryset) -> None:
        count = outbox.messages_send_again(pks=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        self.message_user(request, f"{count} message(s) queued to be sent again now.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} message(s) already sent or being sent were left alone.", messages.WARNING
            )

    def changelist_view(self, request, extra_context=None):
        counts = outbox.status_counts()
        return super().changelist_view(request, {**(extra_context or {}), "outbox_counts": counts})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "event", "title", "delivery", "read_at", "digested_at"]
    list_filter = ["event", "delivery"]
    search_fields = ["title", "key", "user__username", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "delivery", "updated_at"]
    list_filter = ["event", "delivery"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "event":
            return forms.ChoiceField(choices=notification_events.CHOICES, label="Event")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TeamChatWebhookForm(forms.ModelForm):
    """The URL is a secret: never shown again once saved; leave it blank to keep it."""

    url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.PasswordInput(render_value=False, attrs={"size": 80, "autocomplete": "off"}),
        help_text="The incoming webhook's URL from Slack or Teams. Kept secret: leave blank to keep the saved one.",
    )
    events = forms.MultipleChoiceField(
        choices=notification_events.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event of the team.",
    )

    class Meta:
        model = TeamChatWebhook
        fields = ["team", "kind", "url", "events", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url")
        if url:
            return url
        if self.instance.pk and self.instance.url:
            return self.instance.url
        raise forms.ValidationError("Paste the incoming webhook's URL.")


@admin.register(TeamChatWebhook)
class TeamChatWebhookAdmin(admin.ModelAdmin):
    form = TeamChatWebhookForm
    list_display = ["team", "kind", "masked_url", "event_list", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["team__name"]
    list_select_related = ["team"]

    @admin.display(description="URL")
    def masked_url(self, obj: TeamChatWebhook) -> str:
        return mask_url(obj.url)

    @admin.display(description="Events")
    def event_list(self, obj: TeamChatWebhook) -> str:
        return ", ".join(obj.events) or "All"


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations to set a first password; only the token's hash is stored, and not shown."""

    list_display = ["user", "created_by", "created_at", "expires_at", "used_at"]
    fields = list_display
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "created_by"]
