"""The channel catalogue: admins keep it; selectors give its choices, names and written channels."""

import pytest
from django.urls import reverse

from core.models import ContactChannel
from core.selectors.channels import channel_choices, channel_name, written_codes
from core.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_seeded_with_kinds():
    kinds = dict(ContactChannel.objects.values_list("code", "kind"))
    assert kinds == {"phone": "voice", "email": "written", "chat": "messaging", "social": "social", "web": "written",
                     "whatsapp": "messaging", "sms": "messaging"}  # fmt: skip


def test_written_codes_are_the_written_messaging_and_social_kinds():
    ContactChannel.objects.create(code="voip", name="VoIP", kind="voice")
    ContactChannel.objects.create(code="line", name="LINE", kind="messaging", is_active=False)
    assert written_codes() == {"email", "chat", "social", "web", "whatsapp", "sms", "line"}


def test_channel_choices_are_the_active_ones_by_name():
    ContactChannel.objects.filter(code="sms").update(is_active=False)
    choices = channel_choices()
    assert choices[0] == ("chat", "Chat") and ("whatsapp", "WhatsApp") in choices and ("sms", "SMS") not in choices
    assert ("sms", "SMS") in channel_choices(include_inactive=True)


def test_channel_names_follow_an_edit_of_the_catalogue():
    contact = ContactFactory(channel="whatsapp")
    assert contact.get_channel_display() == "WhatsApp"
    channel = ContactChannel.objects.get(code="whatsapp")
    channel.name = "WhatsApp Business"
    channel.save()
    assert contact.get_channel_display() == "WhatsApp Business"
    assert channel_name("gone") == "gone" and channel_name("") == ""


def test_admin_adds_a_channel_with_its_kind(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:skillhub_contactchannel_add"),
        {"code": "line", "name": "LINE", "kind": "messaging", "is_active": "on"},
    )
    assert response.status_code == 302
    assert ContactChannel.objects.get(code="line").kind == "messaging"


def test_admin_cannot_delete_a_channel_contacts_use_nor_rename_its_code(client, admin_user):
    ContactFactory(channel="sms")
    sms = ContactChannel.objects.get(code="sms")
    client.force_login(admin_user)
    assert (
        client.post(reverse("admin:skillhub_contactchannel_delete", args=[sms.pk]), {"post": "yes"}).status_code == 403
    )
    page = client.get(reverse("admin:skillhub_contactchannel_change", args=[sms.pk])).content.decode()
    assert 'name="code"' not in page
    web = ContactChannel.objects.get(code="web")
    client.post(reverse("admin:skillhub_contactchannel_delete", args=[web.pk]), {"post": "yes"})
    assert not ContactChannel.objects.filter(code="web").exists()


def test_non_staff_users_cannot_open_the_catalogue_admin(client, lead_user):
    client.force_login(lead_user)
    response = client.get(reverse("admin:skillhub_contactchannel_changelist"))
    assert response.status_code == 302 and "/login/" in response.url
