"""Scorecard rules: which scorecard a contact's review gets (resolution, sampling, ad-hoc reviews); the rules pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory
from qa.models import Review, ScorecardRule, ScorecardVersion
from qa.reviews import services as review_services
from qa.rules import QA_LEAD_GROUP
from qa.sampling import services as sampling_services
from qa.scorecards import services
from qa.scorecards.services import RuleMatch, pick_rule, version_for_contact, versions_for_contacts
from qa.tests.factories import CriterionFactory, SectionFactory, TemplateFactory, VersionFactory


def published(name: str) -> ScorecardVersion:
    """A template `name` with a published version of one criterion."""
    version = VersionFactory(template=TemplateFactory(name=name))
    CriterionFactory(section=SectionFactory(version=version))
    return version


def rule(version_or_template, **conditions) -> ScorecardRule:
    template = getattr(version_or_template, "template", version_or_template)
    return services.scorecard_rule_save(template=template, **conditions)


@pytest.fixture
def default(db):
    return services.default_version()


@pytest.fixture
def cards(db):
    return {name: published(name) for name in ["Team phone", "Team", "Vendor phone", "Vendor", "Phone"]}


@pytest.fixture
def all_rules(cards, team, vendor):
    # Created least specific first, so the list position never explains the winner.
    return {
        "Phone": rule(cards["Phone"], channel="phone"),
        "Vendor": rule(cards["Vendor"], vendor=vendor),
        "Vendor phone": rule(cards["Vendor phone"], vendor=vendor, channel="phone"),
        "Team": rule(cards["Team"], team=team),
        "Team phone": rule(cards["Team phone"], team=team, channel="phone"),
    }


# Resolution


def test_version_for_contact_picks_the_most_specific_rule(all_rules, cards, agent, default):
    contact = ContactFactory(agent=agent, channel="phone")
    for name in ["Team phone", "Team", "Vendor phone", "Vendor", "Phone"]:
        assert version_for_contact(contact) == cards[name], name
        all_rules[name].delete()
    assert version_for_contact(contact) == default


def test_version_for_contact_matches_each_condition(all_rules, cards, agent, other_agent, team, vendor, default):
    assert version_for_contact(ContactFactory(agent=agent, channel="email")) == cards["Team"]
    assert version_for_contact(ContactFactory(agent=other_agent, channel="phone")) == cards["Phone"]
    assert version_for_contact(ContactFactory(agent=other_agent, channel="email")) == default
    sister = AgentFactory(team=TeamFactory(vendor=vendor))
    assert version_for_contact(ContactFactory(agent=sister, channel="phone")) == cards["Vendor phone"]
    assert version_for_contact(ContactFactory(agent=sister, channel="chat")) == cards["Vendor"]


def _match(pk: int, position: int, version_id: int | None = 1) -> RuleMatch:
    return RuleMatch(
        pk, template_id=pk, team_id=None, vendor_id=None, channel="", position=position, version_id=version_id
    )


def test_pick_rule_breaks_ties_by_position_then_age():
    assert pick_rule([_match(1, 5), _match(2, 3)], team_id=1, vendor_id=1, channel="phone").pk == 2
    assert pick_rule([_match(4, 3), _match(3, 3)], team_id=1, vendor_id=1, channel="phone").pk == 3
    assert pick_rule([_match(2, 1, version_id=None), _match(1, 5)], team_id=1, vendor_id=1, channel="phone").pk == 1


def test_a_rule_whose_template_is_not_published_is_skipped_for_the_next(cards, team, agent, default):
    draft = VersionFactory(template=TemplateFactory(name="Draft only"), status=ScorecardVersion.Status.DRAFT)
    CriterionFactory(section=SectionFactory(version=draft))
    rule(draft, team=team, channel="phone")
    rule(cards["Vendor"], vendor=team.vendor)
    contact = ContactFactory(agent=agent, channel="phone")
    assert version_for_contact(contact) == cards["Vendor"]
    services.version_publish(version=draft)
    assert version_for_contact(contact) == draft


def test_an_inactive_rule_is_never_used(cards, team, agent, default):
    services.scorecard_rule_save(template=cards["Team"].template, team=team, active=False)
    assert version_for_contact(ContactFactory(agent=agent)) == default


def test_no_rule_gives_the_default_scorecard(agent, default):
    assert default is not None
    assert version_for_contact(ContactFactory(agent=agent)) == default


def test_version_for_contact_runs_two_queries(all_rules, agent, django_assert_max_num_queries):
    contact = ContactFactory(agent=agent, channel="phone")
    with django_assert_max_num_queries(2):
        version_for_contact(contact)


@pytest.mark.parametrize("n", [3, 30])
def test_versions_for_contacts_agrees_with_version_for_contact_in_constant_queries(
    all_rules, agent, other_agent, n, django_assert_max_num_queries
):
    contacts = [
        ContactFactory(agent=agent if i % 2 else other_agent, channel=["phone", "email", "chat"][i % 3])
        for i in range(n)
    ]
    with django_assert_max_num_queries(4):
        picked = versions_for_contacts(contacts)
    assert picked == {c.pk: version_for_contact(c) for c in contacts}


# Validation


def test_a_rule_needs_a_condition(cards):
    with pytest.raises(ValidationError, match="at least one condition"):
        rule(cards["Team"])


def test_a_team_of_another_vendor_is_refused(cards, team, partner_vendor):
    with pytest.raises(ValidationError) as error:
        rule(cards["Team"], team=team, vendor=partner_vendor)
    assert "vendor" in error.value.message_dict


def test_a_team_with_its_own_vendor_is_stored_as_the_team(cards, team):
    saved = rule(cards["Team"], team=team, vendor=team.vendor)
    assert (saved.team, saved.vendor) == (team, None)


def test_two_rules_never_have_the_same_conditions(cards, team):
    rule(cards["Team"], team=team, channel="phone")
    with pytest.raises(ValidationError, match="exactly these conditions"):
        rule(cards["Vendor"], team=team, vendor=team.vendor, channel="phone")
    other = rule(cards["Vendor"], team=team)
    with pytest.raises(ValidationError, match="exactly these conditions"):
        services.scorecard_rule_save(rule=other, template=other.template, team=team, channel="phone")


def test_an_unknown_channel_is_refused(cards):
    with pytest.raises(ValidationError) as error:
        rule(cards["Team"], channel="pigeon")
    assert "channel" in error.value.message_dict


def test_rules_are_numbered_in_order_and_renumbered_on_move_and_delete(cards, team, vendor):
    a, b, c = (
        rule(cards["Team"], team=team),
        rule(cards["Vendor"], vendor=vendor),
        rule(cards["Phone"], channel="phone"),
    )
    assert [r.position for r in (a, b, c)] == [1, 2, 3]
    services.scorecard_rule_move(rule=c, direction="up")
    assert list(ScorecardRule.objects.values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    services.scorecard_rule_delete(rule=a)
    assert list(ScorecardRule.objects.values_list("pk", "position")) == [(c.pk, 1), (b.pk, 2)]


# Sampling and ad-hoc reviews

START = timezone.localdate() - dt.timedelta(days=3)


@pytest.fixture
def sampled_world(team, partner_team, vendor, partner_vendor, cards):
    """Two agents in each team, each with phone and email contacts; a reviewer for each vendor."""
    for t, v in [(team, vendor), (partner_team, partner_vendor)]:
        reviewer = UserFactory(roles=[roles.QA_REVIEWER])
        ScopeFactory(user=reviewer, vendors=[v])
        for agent in AgentFactory.create_batch(2, team=t):
            for channel in ["phone", "email"]:
                ContactFactory(agent=agent, channel=channel, started_at=timezone.now() - dt.timedelta(days=2))
    rule(cards["Team phone"], team=team, channel="phone")
    rule(cards["Vendor"], vendor=partner_vendor)


def test_sampling_by_rules_gives_each_conversation_its_rule_scorecard(
    sampled_world, team, partner_team, cards, default
):
    run = sampling_services.sampling_run_create(
        teams=[team, partner_team], period_start=START, period_end=timezone.localdate(), per_agent=5, seed=1
    )
    assert run.by_rules and run.version == default
    assert sampling_services.sampling_run_execute(run=run) == 8
    got = {(r.team_id, r.contact.channel): r.version for r in Review.objects.select_related("contact", "version")}
    assert got == {
        (team.pk, "phone"): cards["Team phone"],
        (team.pk, "email"): default,
        (partner_team.pk, "phone"): cards["Vendor"],
        (partner_team.pk, "email"): cards["Vendor"],
    }


def test_sampling_with_a_chosen_scorecard_ignores_the_rules(sampled_world, team, partner_team, cards):
    chosen = cards["Phone"]
    run = sampling_services.sampling_run_create(
        teams=[team, partner_team], period_start=START, period_end=timezone.localdate(), seed=1, version=chosen
    )
    assert not run.by_rules
    sampling_services.sampling_run_execute(run=run)
    assert set(Review.objects.values_list("version_id", flat=True)) == {chosen.pk}


def test_sampling_preview_counts_the_scorecards_by_rules(sampled_world, team, cards, default):
    preview = sampling_services.sampling_preview(
        teams=[team], period_start=START, period_end=timezone.localdate(), seed=1
    )
    assert {str(v): n for v, n in preview.per_version} == {str(cards["Team phone"]): 2, str(default): 2}


def test_weekly_sampling_goes_by_rules(team, default):
    run = sampling_services.SamplingRun.objects.get(pk=sampling_services.sampling_weekly()[0])
    assert run.by_rules


def test_an_ad_hoc_review_gets_its_rule_scorecard(cards, team, agent, reviewer_user):
    rule(cards["Team phone"], team=team, channel="phone")
    review = review_services.review_create(contact=ContactFactory(agent=agent, channel="phone"), reviewer=reviewer_user)
    assert review.version == cards["Team phone"]
    other = review_services.review_create(contact=ContactFactory(agent=agent, channel="email"), reviewer=reviewer_user)
    assert other.version == services.default_version()


def test_sampling_page_shows_which_scorecard_each_team_gets(client, admin_user, team, cards):
    rule(cards["Team phone"], team=team, channel="phone")
    client.force_login(admin_user)
    response = client.get(reverse("qa:sampling"))
    assert response.status_code == 200
    table = response.content.decode()
    assert "By rules" in table
    assert f"Phone → <strong>{cards['Team phone']}</strong>" in table


def test_sampling_form_by_rules_is_the_default_choice(
    client, admin_user, team, agent, cards, django_capture_on_commit_callbacks
):
    rule(cards["Team phone"], team=team, channel="phone")
    client.force_login(admin_user)
    data = {
        "teams": [team.pk],
        "period_start": START.isoformat(),
        "period_end": timezone.localdate().isoformat(),
        "per_agent": 5,
        "seed": 3,
        "confirm": "1",
    }
    ContactFactory(agent=agent, channel="phone", started_at=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("qa:sampling"), data)
    assert response.status_code == 302
    assert sampling_services.SamplingRun.objects.get().by_rules
    assert Review.objects.get().version == cards["Team phone"]


# The rules pages


@pytest.fixture
def qa_lead(vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=user, vendors=[vendor])
    return user


@pytest.fixture
def partner_qa_lead(partner_vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=user, vendors=[partner_vendor])
    return user


def test_a_reviewer_who_is_no_qa_lead_gets_403(client, reviewer_user, team, cards):
    saved = rule(cards["Team"], team=team)
    client.force_login(reviewer_user)
    assert client.get(reverse("qa:scorecard-rules")).status_code == 403
    assert client.get(reverse("qa:scorecard-rule-create")).status_code == 403
    assert client.post(reverse("qa:scorecard-rule-delete", args=[saved.pk])).status_code == 403


def test_the_rules_page_explains_which_scorecard_a_team_gets(client, qa_lead, team, cards):
    team.name = "North"
    team.save()
    rule(cards["Team"], team=team)
    phone = rule(cards["Team phone"], team=team, channel="phone")
    client.force_login(qa_lead)
    response = client.get(reverse("qa:scorecard-rules"), {"team": team.pk, "channel": "phone"})
    assert response.status_code == 200
    explained = response.content.decode().split('data-testid="explained"')[1].split("</p>")[0]
    assert "North team, phone →" in explained
    assert f"<strong>{cards['Team phone']}</strong>" in explained
    assert f"rule {phone.position}: team North + channel Phone" in explained


def test_the_rules_page_says_when_a_rule_was_skipped(client, qa_lead, team, cards):
    draft = VersionFactory(template=TemplateFactory(name="Not yet"), status=ScorecardVersion.Status.DRAFT)
    rule(draft, team=team)
    client.force_login(qa_lead)
    response = client.get(reverse("qa:scorecard-rules"), {"team": team.pk, "channel": "email"})
    assert "“Not yet” has no published version" in response.content.decode()
    assert "the default scorecard" in response.content.decode()


def test_an_in_house_qa_lead_creates_a_rule_for_a_team_in_scope(client, qa_lead, team, cards):
    client.force_login(qa_lead)
    response = client.post(
        reverse("qa:scorecard-rule-create"),
        {"template": cards["Team"].template.pk, "team": team.pk, "channel": "email", "active": "on"},
    )
    assert response.status_code == 302
    assert ScorecardRule.objects.get().created_by == qa_lead


def test_a_team_out_of_scope_is_refused(client, qa_lead, partner_team, cards):
    client.force_login(qa_lead)
    response = client.post(
        reverse("qa:scorecard-rule-create"), {"template": cards["Team"].template.pk, "team": partner_team.pk}
    )
    assert response.status_code == 400
    assert not ScorecardRule.objects.exists()


def test_a_rule_without_conditions_re_renders_with_the_error(client, qa_lead, cards):
    client.force_login(qa_lead)
    response = client.post(reverse("qa:scorecard-rule-create"), {"template": cards["Team"].template.pk})
    assert response.status_code == 400
    assert "at least one condition" in response.content.decode()


def test_a_rule_of_a_team_out_of_scope_is_404(client, qa_lead, partner_team, cards):
    other = rule(cards["Team"], team=partner_team)
    client.force_login(qa_lead)
    assert client.get(reverse("qa:scorecard-rule-edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("qa:scorecard-rule-delete", args=[other.pk])).status_code == 404
    assert client.post(reverse("qa:scorecard-rule-move", args=[other.pk]), {"direction": "up"}).status_code == 404
    assert ScorecardRule.objects.filter(pk=other.pk).exists()


def test_a_partner_qa_lead_reads_their_vendor_rules_only(client, partner_qa_lead, team, partner_team, cards):
    theirs = rule(cards["Vendor"], vendor=partner_team.vendor)
    everyone = rule(cards["Phone"], channel="phone")
    in_house = rule(cards["Team"], team=team)
    client.force_login(partner_qa_lead)
    response = client.get(reverse("qa:scorecard-rules"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["rules"]] == [theirs.pk, everyone.pk]
    assert 'data-testid="rules-read-only"' in response.content.decode()
    assert reverse("qa:scorecard-rule-edit", args=[theirs.pk]) not in response.content.decode()
    assert client.get(reverse("qa:scorecard-rule-create")).status_code == 403
    assert client.get(reverse("qa:scorecard-rule-edit", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("qa:scorecard-rule-delete", args=[in_house.pk])).status_code == 403
    assert ScorecardRule.objects.count() == 3


def test_an_admin_edits_moves_and_deletes_a_rule(client, admin_user, team, vendor, cards):
    a, b = rule(cards["Team"], team=team), rule(cards["Vendor"], vendor=vendor)
    client.force_login(admin_user)
    response = client.post(
        reverse("qa:scorecard-rule-edit", args=[a.pk]), {"template": cards["Phone"].template.pk, "team": team.pk}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.template, a.active) == (cards["Phone"].template, False)
    client.post(reverse("qa:scorecard-rule-move", args=[b.pk]), {"direction": "up"})
    assert list(ScorecardRule.objects.values_list("pk", flat=True)) == [b.pk, a.pk]
    client.post(reverse("qa:scorecard-rule-delete", args=[b.pk]))
    assert list(ScorecardRule.objects.values_list("pk", "position")) == [(a.pk, 1)]


@pytest.mark.parametrize("n", [2, 12])
def test_the_rules_page_runs_a_constant_number_of_queries(client, admin_user, cards, n, django_assert_max_num_queries):
    for _ in range(n):
        t = TeamFactory()
        rule(cards["Team"], team=t)
        rule(cards["Team phone"], team=t, channel="phone")
    client.force_login(admin_user)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("qa:scorecard-rules"), {"team": t.pk, "channel": "phone"})
    assert response.status_code == 200
