from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from core.accounts.invitations import invitation_send
from core.models import (
    Agent,
    Contact,
    ContactChannel,
    RoleProfile,
    RoleProfileSkill,
    Scope,
    Site,
    Skill,
    Team,
    TeamMembership,
    User,
    Vendor,
)
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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


admin.site.unregister(User)


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
