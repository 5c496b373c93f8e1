"""Demo contacts: 90 days of work for the demo agents, so dashboards have a story to tell.

- every agent has their own level (FCR, satisfaction, speed) and a small trend of their own;
- South improves steadily over the period; the partner team, Partner Lisbon, resolves fewer cases first time;
- surveys come back on a fraction of contacts; unresolved cases come back as repeat contacts (a written case's
  now and then as a call);
- written channels carry a conversation of varied quality (demo.conversations: each agent's tier follows their
  survey scores), and the same conversation as timed turns, the agent's replies fast or slow by tier;
- contacts carry a reason (per team), a few tags, escalations, transfers, complaints, hold time on calls, a language,
  a customer id per case (customers have several cases), survey comments and a few call recordings (a ten-second
  stand-in, static/demo/call.wav, with the call's timed turns); the partner team's chats are half WhatsApp.
Deterministic external ids (and a seeded random generator) make it idempotent: a second run changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.models import Agent, Contact, ContactTurn, Team
from demo.conversations import conversations_write
from imports.services import Lookups, contacts_upsert
from metrics.rollups import rollup_full

DAYS = 90
PREFIX = "DEMO-"
IMPROVING_TEAM = "South"
WEAK_FCR_TEAM = "Partner Lisbon"
# Mean handle seconds per channel, and after-contact seconds.
HANDLE = {"phone": 390, "email": 420, "chat": 540, "social": 300}
AFTER = {"phone": 75, "email": 45, "chat": 40, "social": 35}

# (contact reason, the customer's question, the agent's answer): a written contact's reason is its topic's.
TOPICS = [
    ("billing", "I was charged twice for my subscription this month.", "I've refunded the duplicate charge"),
    ("login", "I can't log in since I changed my phone.", "I've reset your two-factor device"),
    ("delivery", "My order says delivered but nothing arrived.", "I've opened a trace with the courier"),
    ("upgrade", "How do I move to the annual plan?", "I've switched you to annual billing"),
    ("bug", "The export button does nothing in Firefox.", "Our engineers have a fix going out this week"),
    ("cancellation", "I'd like to cancel, it's too expensive for us.", "I've applied a 20% loyalty discount instead"),
    ("invoice", "Can you add our VAT number to the invoices?", "Your VAT number is on all future invoices"),
    ("password reset", "The reset email never arrives.", "I've whitelisted your domain and resent it"),
]
REASON_OF_QUESTION = {question: reason for reason, question, _ in TOPICS}
# Reasons of calls (which carry no transcript), per team, most frequent first.
TEAM_REASONS = {
    "North": ["password reset", "login", "bug", "billing", "delivery"],
    "South": ["login", "bug", "password reset", "delivery", "billing"],
    "Renewals": ["renewal", "billing", "cancellation", "upgrade", "invoice", "refund"],
    "Partner Lisbon": ["delivery", "refund", "billing", "password reset", "order status"],
}
TEAM_LANGUAGES = {"Renewals": [("en-IE", 0.8), ("en-GB", 1.0)], "Partner Lisbon": [("pt-PT", 0.7), ("en-GB", 1.0)]}
MESSAGING_TEAM = "Partner Lisbon"  # half its chats come in on WhatsApp
SURVEY_COMMENTS = {
    "low": ["Took far too long.", "Still not fixed.", "I had to explain everything twice.", "Nobody called back."],
    "mid": ["OK in the end.", "Fine, but the wait was long.", "Solved, eventually."],
    "high": ["Quick and friendly, thank you!", "Sorted in minutes.", "Very patient, explained it well.", "Great help."],
}
# Every demo call recording is the same ten seconds of tones (demo.recording), served by this site; the call's turns
# carry the times of its segments, so pressing a turn plays the recording from there.
RECORDING = "/static/demo/call.wav"
CALL_TURNS = [
    ("customer", 0, "Hi, I'm calling about {reason}."),
    ("agent", 3, "Thanks for calling. I'm sorry about the trouble, let me check your account."),
    ("customer", 5, "Sure, I have my customer number here."),
    ("agent", 8, "Thanks, I can see it now and I've sorted it. Anything else I can help with?"),
]
OPENERS = ["Hi,", "Hello there,", "Good morning,", "Hey,"]
EMPATHY = ["Sorry about the trouble!", "I understand how frustrating that is.", "Thanks for your patience."]


def seed_contacts(*, rng: random.Random, stdout=None) -> None:
    """Create 90 days of contacts for every demo agent from their start (skips those already there), then a full
    rollup."""
    agents = list(Agent.objects.select_related("team", "user").order_by("employee_id"))
    if not agents:
        return
    today = timezone.localdate()
    first_day = today - timedelta(days=DAYS)
    tz = ZoneInfo(settings.TIME_ZONE)
    lookups = Lookups.load()
    team_names = dict(Team.objects.values_list("pk", "name"))
    # The new hires' first 90 days have contacts of their own (demo.hiring, HIRE-...): theirs start after those.
    busy: dict[int, set[date]] = {}
    for agent_id, day in Contact.objects.filter(external_id__startswith="HIRE-").values_list("agent_id", "day"):
        busy.setdefault(agent_id, set()).add(day)
    rows: list[dict] = []
    for agent in agents:
        rows.extend(_agent_contacts(agent, rng, first_day, today, tz, lookups, team_names, busy.get(agent.pk, set())))
    # The richer fields come from a generator of their own (derived from rng's state without drawing from it), so
    # the figures above and every later seeder draw exactly as before.
    details = random.Random(hash(rng.getstate()[1]))  # a tuple of ints: the same hash in every process
    _add_details(rows, details, team_names)
    # The conversations too (a generator of their own: the details above stay as they were).
    names = {agent.pk: agent.user.first_name for agent in agents}
    conversations_write(rows, random.Random(f"talk:{hash(rng.getstate()[1])}"), names=names, topics=TOPICS)
    with transaction.atomic():
        existing = set(Contact.objects.filter(external_id__startswith=PREFIX).values_list("external_id", flat=True))
        new = [contact for contact in rows if contact["external_id"] not in existing]
        contacts_upsert(new, update=False)
        _turns_create(new, details)
        created = len(new)
    result = rollup_full()
    if stdout is not None:
        stdout.write(f"  {created} demo contacts created ({len(rows)} in the demo set); {result.rows} agent-day rows")


def _agent_contacts(agent, rng, first_day, today, tz, lookups, team_names, busy):
    channels = [channel for channel in agent.channels if channel in HANDLE] or ["phone"]
    # This agent's own level and trend.
    fcr_base = rng.gauss(0.76, 0.05)
    csat_base = rng.gauss(0.0, 0.5)
    speed = rng.uniform(0.8, 1.25)
    trend = rng.gauss(0.0, 0.03)
    volume = rng.randint(9, 14)
    rows = []
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        if day.weekday() >= 5 and rng.random() < 0.7:
            continue  # most agents are off at weekends
        if day < agent.start_date or (busy and day <= max(busy)):
            continue  # not started yet, or a new hire's first 90 days (seeded with the hire)
        team_id = lookups.team_on(agent.pk, day)
        team_name = team_names[team_id]
        progress = offset / DAYS
        fcr = fcr_base + trend * progress
        satisfaction = csat_base + trend * 4 * progress
        if team_name == IMPROVING_TEAM:
            fcr += -0.07 + 0.12 * progress
            satisfaction += -0.4 + 0.9 * progress
        if team_name == WEAK_FCR_TEAM:
            fcr -= 0.12
            satisfaction -= 0.2
        fcr = min(max(fcr, 0.35), 0.95)
        for n in range(volume + rng.randint(-3, 3)):
            channel = rng.choice(channels)
            started = datetime.combine(day, time(8, 0), tzinfo=tz) + timedelta(minutes=rng.randint(0, 600))
            case_id = f"{PREFIX}CASE-{agent.employee_id}-{day:%Y%m%d}-{n}"
            first_time = rng.random() < fcr
            resolved = first_time or rng.random() < 0.4
            rows.append(
                _contact(
                    f"{PREFIX}{agent.employee_id}-{day:%Y%m%d}-{n}",
                    case_id,
                    agent,
                    team_id,
                    channel,
                    started,
                    resolved,
                    satisfaction,
                    speed,
                    rng,
                )
            )
            if not first_time:
                # The customer comes back within the repeat window, to the same agent or a teammate.
                later = started + timedelta(hours=rng.randint(2, 24 * 6))
                if later.date() < today:
                    rows.append(
                        _contact(
                            f"{PREFIX}{agent.employee_id}-{day:%Y%m%d}-{n}-R",
                            case_id,
                            agent,
                            lookups.team_on(agent.pk, later.date()),
                            channel,
                            later,
                            True,
                            satisfaction - 0.8,
                            speed,
                            rng,
                        )
                    )
    return rows


def _contact(external_id, case_id, agent, team_id, channel, started, resolved, satisfaction, speed, rng) -> dict:
    handle = max(60, int(rng.gauss(HANDLE[channel] * speed, HANDLE[channel] * 0.25)))
    after = max(0, int(rng.gauss(AFTER[channel] * speed, 15)))
    mood = satisfaction + (0.6 if resolved else -1.2)
    csat = _score(rng, 4.1 + mood * 0.6, 1, 5) if rng.random() < 0.25 else None
    ces = _score(rng, 2.8 - mood * 0.7, 1, 7) if rng.random() < 0.15 else None
    nps = _score(rng, 7.6 + mood * 1.2, 0, 10) if rng.random() < 0.15 else None
    return {
        "external_id": external_id,
        "case_id": case_id,
        "agent_id": agent.pk,
        "team_id": team_id,
        "channel": channel,
        "started_at": started,
        "day": started.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
        "handle_seconds": handle,
        "after_contact_seconds": after,
        "resolved": resolved,
        "first_contact_resolved": None,
        "csat": csat,
        "ces": ces,
        "nps": nps,
        "transcript": _opening(rng) if channel != "phone" else "",
    }


def _add_details(rows: list[dict], rng: random.Random, team_names: dict[int, str]) -> None:
    """Give the rows reasons, tags, flags, hold time, language, customer ids, survey comments and recordings, and
    the messaging team's chats WhatsApp."""
    customers: dict[str, str] = {}
    whatsapp_cases: dict[str, bool] = {}
    pool = max(1, len(rows) // 3)  # several cases of one customer
    for row in rows:
        team = team_names[row["team_id"]]
        case_id = row["case_id"]
        repeat = row["external_id"].endswith("-R")
        if row["channel"] == "chat" and team == MESSAGING_TEAM:
            if whatsapp_cases.setdefault(case_id, rng.random() < 0.5):
                row["channel"] = "whatsapp"
        if repeat and row["channel"] != "phone" and rng.random() < 0.3:
            # The customer calls back about a written case: the case's timeline crosses channels.
            row["channel"], row["transcript"] = "phone", ""
        question = row["transcript"].split("\n", 1)[0].split(", ", 1)[-1] if row["transcript"] else ""
        reasons = TEAM_REASONS.get(team, TEAM_REASONS["North"])
        row["reason"] = REASON_OF_QUESTION.get(question) or reasons[min(int(rng.expovariate(0.8)), len(reasons) - 1)]
        unhappy = row["csat"] is not None and row["csat"] <= 2
        row["escalated"] = rng.random() < (0.05 if row["resolved"] else 0.22)
        row["transferred"] = row["channel"] in ("phone", "chat", "whatsapp") and rng.random() < 0.08
        row["complaint"] = rng.random() < (0.3 if unhappy else 0.022)
        tags = []
        if rng.random() < 0.05:
            tags.append("vip")
        if repeat:
            tags.append("follow-up")
        if row["complaint"]:
            tags.append("complaint")
        if row["reason"] in ("refund", "billing") and rng.random() < 0.3:
            tags.append("refund-requested")
        row["tags"] = tags
        if row["channel"] == "phone":
            hold = int(rng.gauss(50, 35)) if rng.random() < 0.6 else 0
            row["hold_seconds"] = min(max(hold, 0), row["handle_seconds"] // 2)
            if rng.random() < 0.2:
                row["recording_url"] = RECORDING
        else:
            row["hold_seconds"] = None
        languages = TEAM_LANGUAGES.get(team, [("en-GB", 1.0)])
        draw = rng.random()
        row["language"] = next(code for code, upto in languages if draw < upto)
        row["customer_id"] = customers.setdefault(case_id, f"{PREFIX}CUST-{rng.randrange(pool):05d}")
        if row["csat"] is not None and rng.random() < 0.35:
            level = "low" if row["csat"] <= 2 else "mid" if row["csat"] == 3 else "high"
            row["survey_comment"] = rng.choice(SURVEY_COMMENTS[level])


def _split_turns(row: dict, rng: random.Random) -> list[tuple]:
    """(author, at, text) per transcript line ("Customer: …" or the agent's name); emails hours apart, chats
    seconds apart; an agent's reply after the customer's turn takes the agent's own time (`reply_gap`)."""
    gap = (900, 7200) if row["channel"] == "email" else (15, 90)
    reply = row.get("reply_gap", gap)
    at = row["started_at"]
    turns = []
    previous = ""
    for line in row["transcript"].splitlines():
        speaker, _, text = line.partition(": ")
        author = "customer" if speaker == "Customer" else "agent"
        if turns:
            at += timedelta(seconds=rng.randint(*(reply if author == "agent" and previous == "customer" else gap)))
        turns.append((author, at, text))
        previous = author
    return turns


def _call_turns(row: dict) -> list[tuple]:
    """(author, at, text) of a recorded call, at the times of the stand-in recording's segments."""
    return [
        (author, row["started_at"] + timedelta(seconds=offset), text.format(reason=row["reason"]))
        for author, offset, text in CALL_TURNS
    ]


def _turns_create(rows: list[dict], rng: random.Random) -> None:
    """Insert the turns of the written contacts just created, split from their transcripts, and of the recorded
    calls: one query for their ids, then multi-row INSERTs (a model instance per turn would double the contacts
    step)."""
    wanted = [row for row in rows if row["transcript"] or row.get("recording_url")]
    if not wanted:
        return
    ids = dict(Contact.objects.filter(external_id__startswith=PREFIX).values_list("external_id", "pk"))
    ops = connection.ops
    table = ContactTurn._meta.db_table
    params: list = []
    with connection.cursor() as cursor:

        def flush():
            count = len(params) // 5
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * count)
            cursor.execute(f"INSERT INTO {table} (contact_id, position, author, at, text) VALUES {values}", params)
            params.clear()

        for row in wanted:
            contact_id = ids[row["external_id"]]
            turns = _split_turns(row, rng) if row["transcript"] else _call_turns(row)
            for position, (author, at, text) in enumerate(turns):
                params.extend((contact_id, position, author, ops.adapt_datetimefield_value(at), text))
            if len(params) >= 5000:
                flush()
        if params:
            flush()


def _score(rng: random.Random, mean: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(rng.gauss(mean, 1.0)))))


def _opening(rng: random.Random) -> str:
    """The customer's first line, which names the topic (demo.conversations writes the rest). Three draws, as the
    short transcript this replaced took, so every figure drawn after it stays as it was."""
    _, question, _ = rng.choice(TOPICS)
    opener = rng.choice(OPENERS)
    rng.choice(EMPATHY)
    return f"Customer: {opener} {question}"


def demo_period() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=DAYS), today - timedelta(days=1)
