"""Demo organisation: two vendors, four teams, about forty agents, one user per role."""

import functools
import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core import roles, skill_codes
from core.models import Agent, Channel, RoleProfile, Scope, Site, Team, TeamMembership, User, Vendor

DEMO_PASSWORD = "skillhub-demo"

FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Daniel",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
    "Aidan",
    "Bianca",
    "Carlos",
    "Dalia",
    "Emil",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Karim",
    "Lucia",
    "Mateo",
    "Noor",
]
LAST_NAMES = [
    "Alves",
    "Brown",
    "Costa",
    "Dubois",
    "Evans",
    "Ferreira",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Khan",
    "Lopez",
    "Martin",
    "Nowak",
    "Okafor",
    "Pereira",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmer",
    "Andersen",
    "Bauer",
    "Cruz",
    "Diaz",
    "Eriksen",
    "Fischer",
    "Gomes",
    "Hansen",
    "Ito",
    "Jovanovic",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
]

# team name, vendor name, site, role profile code, channels
TEAMS = [
    ("North", "SkillHub Support", "Leeds", skill_codes.TECHNICAL_SUPPORT, [Channel.PHONE, Channel.EMAIL, Channel.CHAT]),
    (
        "South",
        "SkillHub Support",
        "Leeds",
        skill_codes.TECHNICAL_SUPPORT,
        [Channel.PHONE, Channel.CHAT, Channel.SOCIAL],
    ),
    ("Renewals", "SkillHub Support", "Dublin", skill_codes.SALES_RENEWALS, [Channel.PHONE, Channel.EMAIL]),
    (
        "Partner Lisbon",
        "Atlantic BPO",
        "Lisbon",
        skill_codes.TECHNICAL_SUPPORT,
        [Channel.PHONE, Channel.EMAIL, Channel.CHAT, "whatsapp"],  # a messaging team: half its chats are WhatsApp
    ),
]
AGENTS_PER_TEAM = 10
HISTORY_DAYS = 120

# username, first, last, roles, scope: ("vendors"|"teams", names) or None
STAFF = [
    ("admin", "Alex", "Admin", [roles.ADMIN], None),
    ("lead", "Olivia", "Lead", [roles.OPS_LEAD], ("vendors", ["SkillHub Support"])),
    ("partner.lead", "Pedro", "Santos", [roles.OPS_LEAD], ("vendors", ["Atlantic BPO"])),
    ("reviewer", "Quinn", "Reviewer", [roles.QA_REVIEWER], ("vendors", ["SkillHub Support", "Atlantic BPO"])),
    ("partner.reviewer", "Rita", "Sousa", [roles.QA_REVIEWER], ("vendors", ["Atlantic BPO"])),
    ("hiring", "Hannah", "Hiring", [roles.HIRING_MANAGER], None),
]
DEMO_AGENT_USERNAME = "agent"


def demo_logins() -> list[tuple[str, str]]:
    """(username, what the role does) for the printed list."""
    return [
        ("admin", "Admin: everything, including the Django admin"),
        ("lead", "Ops lead for the in-house vendor (North, South, Renewals)"),
        ("partner.lead", "Ops lead for the outsourced partner (Partner Lisbon)"),
        ("reviewer", "QA reviewer and QA lead covering in-house and partner teams"),
        ("partner.reviewer", "QA reviewer of the partner, sees only Partner Lisbon"),
        ("hiring", "Hiring manager: requisitions and candidates, no QA or coaching data"),
        ("interviewer", "Hiring manager: the second interviewer on the demo requisitions"),
        (DEMO_AGENT_USERNAME, "Agent Ana Alves in North: only her own data"),
    ]


@transaction.atomic
def seed_org(*, rng: random.Random, stdout=None) -> None:
    today = timezone.localdate()
    vendors = {
        "SkillHub Support": Vendor.objects.update_or_create(
            name="SkillHub Support", defaults={"kind": Vendor.Kind.IN_HOUSE}
        )[0],
        "Atlantic BPO": Vendor.objects.update_or_create(name="Atlantic BPO", defaults={"kind": Vendor.Kind.PARTNER})[0],
    }
    profiles = {profile.code: profile for profile in RoleProfile.objects.all()}
    teams: dict[str, Team] = {}
    for name, vendor_name, site_name, _, _ in TEAMS:
        site, _ = Site.objects.get_or_create(vendor=vendors[vendor_name], name=site_name, defaults={"city": site_name})
        teams[name], _ = Team.objects.update_or_create(
            name=name, defaults={"vendor": vendors[vendor_name], "site": site}
        )

    for username, first, last, role_names, scope in STAFF:
        user = _user(username=username, first=first, last=last, role_names=role_names)
        if roles.ADMIN in role_names:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        if scope is not None:
            kind, names = scope
            user_scope, _ = Scope.objects.get_or_create(user=user)
            if kind == "vendors":
                user_scope.vendors.set([vendors[name] for name in names])
    lead = User.objects.get(username="lead")
    partner_lead = User.objects.get(username="partner.lead")
    for team in teams.values():
        team.leads.set([partner_lead if team.vendor.kind == Vendor.Kind.PARTNER else lead])

    index = 0
    for team_name, _, _, profile_code, channels in TEAMS:
        for _ in range(AGENTS_PER_TEAM):
            first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[index % len(LAST_NAMES)]
            username = DEMO_AGENT_USERNAME if index == 0 else f"{first}.{last}".lower()
            employee_id = f"E{1001 + index}"
            start = today - timedelta(days=HISTORY_DAYS + rng.randint(30, 900))
            user = _user(username=username, first=first, last=last, role_names=[roles.AGENT])
            agent, created = Agent.objects.get_or_create(
                employee_id=employee_id,
                defaults={
                    "user": user,
                    "email": f"{username}@demo.skillhub.test",
                    "team": teams[team_name],
                    "role_profile": profiles.get(profile_code),
                    "channels": [str(channel) for channel in channels],
                    "start_date": start,
                },
            )
            if created:
                TeamMembership.objects.create(agent=agent, team=teams[team_name], start_date=start)
            index += 1
    _move_one_agent(teams=teams, today=today)


def _move_one_agent(*, teams: dict[str, Team], today: date) -> None:
    """Ben Brown moved from North to South 30 days ago, so team history has a story."""
    from core.services.org import agent_move_team

    agent = Agent.objects.filter(employee_id="E1002").first()
    if (
        agent is not None
        and agent.team_id == teams["North"].pk
        and not agent.memberships.filter(end_date__isnull=False).exists()
    ):
        agent_move_team(agent=agent, team=teams["South"], on=today - timedelta(days=30))


@functools.cache
def demo_password_hash() -> str:
    """The demo password hashed once per process: hashing it again for each of some fifty users is most of the
    organisation step's time (the hasher is slow on purpose)."""
    return make_password(DEMO_PASSWORD)


def _user(*, username: str, first: str, last: str, role_names: list[str]) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.skillhub.test"}
    )
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in role_names])
    return user
