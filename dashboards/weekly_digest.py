"""The weekly digest: on Monday morning (TIME_ZONE) each ops lead and QA lead gets one email about the teams in their
scope for last week (Monday to Sunday).

Per team: FCR, CSAT, CES, AHT and QA score with their n, the change against the week before and whether it is beyond
the noise by the dashboards' rule (`metrics.kpis.Kpi.change` through `dashboards.charts.kpi_cards`, the team
dashboard's cards); agents newly flagged (flagged for last week by `dashboards.selectors.agent_table`, not for the week
before), coaching goals at risk and disputes open now, each a count with a few names. One chart drawn on the server
(matplotlib's Agg canvas, no pyplot state) rides along as an inline PNG referenced by its Content-ID.

Who: users holding the ops lead role or QA leads (`qa.rules.is_qa_lead`) whose delivery of the `weekly_digest` event
is not "off" (their own choice, else the catalogue's default for their roles: "now" for ops leads and QA reviewers,
so QA leads; "off" for anyone else, admins included). A QA reviewer who is not a QA lead is not sent one. "Digest" as
a choice means the same as "now" here: this email is itself the digest.

The email is an outbox row keyed `weekly_digest:<monday>` per user, so running it again the same week sends nothing
twice. Figures come from the rollups (a fixed number of queries per recipient, whatever the number of teams).
"""

import base64
import io
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from coaching import selectors as coaching_selectors
from core import roles
from core.models import Agent, Delivery, OutboxMessage, User
from core.notifications import emails, outbox
from core.notifications.services import deliveries_for
from core.selectors.scope import teams_for_user
from metrics import kpis
from qa.disputes.selectors import dispute_list
from qa.rules import QA_LEAD_GROUP, is_qa_lead

from . import selectors as dash
from .charts import kpi_cards
from .periods import Filters, Period
from .templatetags.dashboard_tags import figure as figure_text

logger = logging.getLogger(__name__)

EVENT = "weekly_digest"
DIGEST_KPIS = (kpis.FCR, kpis.CSAT, kpis.CES, kpis.AHT, kpis.QA)
CHART_WEEKS = 8
CHART_CID = "weekly-digest-chart"
NAMES_SHOWN = 3  # names listed per team and topic; the rest is a count


def week_of(day: date) -> Period:
    """The Monday-to-Sunday week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return Period(start=monday, end=monday + timedelta(days=6))


def last_week(today: date | None = None) -> Period:
    """The full week before the one holding `today` (in TIME_ZONE)."""
    return week_of(today or timezone.localdate()).previous()


def digest_key(week: Period) -> str:
    return f"{EVENT}:{week.start.isoformat()}"


def recipients() -> list[User]:
    """Active ops leads and QA leads with an email address whose delivery of the digest is not off (by pk)."""
    candidates = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__name__in=[roles.OPS_LEAD, QA_LEAD_GROUP]) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )
    # The roles as core.roles and qa.rules define them (one query per candidate, cached on the user for the digest).
    leads = [user for user in candidates if roles.has_role(user, roles.OPS_LEAD) or is_qa_lead(user)]
    if not leads:
        return []
    deliveries = deliveries_for(user_ids=[user.pk for user in leads], event=EVENT)
    return [user for user in leads if deliveries[user.pk] != Delivery.OFF]


@dataclass
class Names:
    """A count and the first few names behind it."""

    count: int
    names: list[str]

    @property
    def more(self) -> int:
        return max(self.count - len(self.names), 0)


def _names(names: list[str], count: int | None = None) -> Names:
    return Names(count=len(names) if count is None else count, names=names[:NAMES_SHOWN])


def digest_build(*, user: User, week: Period) -> dict | None:
    """The digest's context for `user` and `week`, or None when no team is in their scope. A fixed number of
    queries, whatever the number of teams and agents."""
    scope = list(teams_for_user(user=user).order_by("vendor__name", "name", "pk").values_list("pk", flat=True))
    if not scope:
        return None
    before = week.previous()
    table, together = dash.team_figures_by_period(team_ids=scope, periods={"now": week, "before": before})
    team_ids = [row["team_id"] for row in table]

    agents = Agent.objects.filter(team_id__in=team_ids)  # the teams are the user's scope (as the team dashboard)
    flagged_now = dash.agent_table(agents=agents, period=week)
    flagged_before = {row["agent_id"] for row in dash.agent_table(agents=agents, period=before) if row["flags"]}
    goals = coaching_selectors.goals_by_agent(agents=agents)
    disputes = _open_disputes(user=user, team_ids=team_ids)
    trend = dash.trend(
        period=Period(start=week.end - timedelta(weeks=CHART_WEEKS) + timedelta(days=1), end=week.end),
        grain="week",
        teams=team_ids,
    )

    new_flags: dict[int, list[dict]] = {}
    at_risk: dict[int, list[tuple[str, int]]] = {}
    for row in flagged_now:
        if row["flags"] and row["agent_id"] not in flagged_before:
            new_flags.setdefault(row["team_id"], []).append(row)
        risky = goals.get(row["agent_id"], {}).get("at_risk", 0)
        if risky:
            at_risk.setdefault(row["team_id"], []).append((row["agent_name"], risky))

    dashboard = roles.has_role(user, roles.OPS_LEAD)
    teams = []
    for row in table:
        pk = row["team_id"]
        flagged = new_flags.get(pk, [])
        risky = at_risk.get(pk, [])
        open_disputes = disputes.get(pk, {"count": 0, "names": []})
        teams.append(
            {
                "team_id": pk,
                "team_name": row["team_name"],
                "vendor_name": row["vendor_name"],
                "vendor_kind": row["vendor_kind"],
                "now": row["now"],
                "before": row["before"],
                "cards": _cards(row["now"], row["before"]),
                "flagged": _names(
                    [f"{r['agent_name']} ({', '.join(f['kpi'].short for f in r['flags'])})" for r in flagged]
                ),
                "at_risk": _names([name for name, _ in risky], sum(n for _, n in risky)),
                "disputes": _names(open_disputes["names"], open_disputes["count"]),
                "url": _dashboard_url(week, [pk]) if dashboard else "",
            }
        )
    chart = chart_png(trend=trend, week=week)
    summary = {"team_name": "All your teams", "cards": _cards(together["now"], together["before"]), "summary": True}
    return {
        "user": user,
        "week": week,
        "previous_week": before,
        "teams": teams,
        "sections": ([summary] if len(teams) > 1 else []) + teams,
        "chart": chart,
        "chart_cid": CHART_CID,
        "chart_alt": chart_alt(trend=trend, week=week),
        "url": _dashboard_url(week, []) if dashboard else emails.absolute_url(reverse("qa:dispute-list")),
        "action": "Open the team dashboard" if dashboard else "Open the disputes",
        "unsubscribe_url": emails.unsubscribe_url(user_id=user.pk, event=EVENT),
    }


def _cards(now: dict, before: dict) -> list[dict]:
    """The team dashboard's KPI cards (value, n, change and its significance) of the digest's KPIs."""
    wanted = {kpis.get(key).figure for key in DIGEST_KPIS}
    return [card for card in kpi_cards(now=now, before=before) if card["kpi"].figure in wanted]


def _dashboard_url(week: Period, team_ids: list[int]) -> str:
    query = Filters(period=week, grain="day", team_ids=team_ids, preset=None).query()
    return emails.absolute_url(f"{reverse('dashboards:team-dashboard')}?{query}")


def _open_disputes(*, user: User, team_ids: list[int]) -> dict[int, dict]:
    """Per team id: disputes waiting for a resolver or a QA lead (the dashboard's open disputes) and the first few
    agents concerned, most urgent first. Two queries over the dispute list's selector (the user's scope)."""
    waiting = (dispute_list(user=user, tab="open") | dispute_list(user=user, tab="approval")).filter(
        team_id__in=team_ids
    )
    counts = {
        row["team_id"]: row["n"] for row in waiting.order_by().values("team_id").annotate(n=Count("pk")).order_by()
    }
    result = {pk: {"count": n, "names": []} for pk, n in counts.items()}
    # The first few per team, most urgent first (a window over the teams' disputes: one query however many teams).
    urgency = [F("dispute_due").asc(nulls_last=True), F("disputed_at").asc(), F("pk").asc()]
    firsts = (
        waiting.order_by()
        .annotate(place=Window(RowNumber(), partition_by=[F("team_id")], order_by=urgency))
        .filter(place__lte=NAMES_SHOWN)
        .order_by("team_id", "place")
        .values_list("team_id", "agent__user__first_name", "agent__user__last_name")
    )
    for pk, first, last in firsts:
        name = f"{first} {last}".strip()
        if name not in result[pk]["names"]:  # an agent with two disputes is named once
            result[pk]["names"].append(name)
    return result


def chart_png(*, trend: list[dict], week: Period) -> bytes:
    """FCR and CSAT of the teams together, week by week (the team dashboard's "FCR and CSAT" chart), as a PNG drawn
    with matplotlib's Agg canvas (no pyplot, no global state; only the fonts matplotlib ships)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0, 2.8), dpi=150)  # drawn at 600 px wide: sharp on high-density screens
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [f"wk {row['bucket']:%-d %b}" for row in trend]
    positions = list(range(len(trend)))
    for key, colour in ((kpis.FCR, "#0b5394"), (kpis.CSAT, "#2e7d32")):
        kpi = kpis.get(key)
        values = [row[kpi.figure] if row[kpi.figure] is not None else float("nan") for row in trend]
        axes.plot(positions, values, marker="o", color=colour, label=f"{kpi.short} %")
    band = kpis.get(kpis.FCR).benchmark
    if band:
        axes.axhspan(*band, color="#0b5394", alpha=0.07, label="FCR benchmark band")
    axes.set_xticks(positions, labels, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylabel("%", fontsize=8)
    axes.set_title(f"FCR and CSAT by week, {CHART_WEEKS} weeks to {week.end:%-d %b %Y}", fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def chart_alt(*, trend: list[dict], week: Period) -> str:
    """The chart in words (the image's alt text): what it shows and last week's points with their n."""
    fcr, csat = kpis.get(kpis.FCR), kpis.get(kpis.CSAT)
    last = trend[-1] if trend else {}
    parts = [
        f"{kpi.short} {figure_text(last.get(kpi.figure), kpi)} (n = {last.get(kpi.sample) or 0} {kpi.sample_label})"
        for kpi in (fcr, csat)
    ]
    return (
        f"Line chart of FCR and CSAT of your teams together, week by week, {CHART_WEEKS} weeks to "
        f"{week.end:%-d %b %Y}. "
        f"Last week: {'; '.join(parts)}."
    )


def digest_send(*, user: User, week: Period) -> OutboxMessage | None:
    """Queue `user`'s digest of `week` (an outbox email with the chart inline), unless one was already queued for
    that week or no team is in their scope. Returns the outbox row, or None."""
    key = digest_key(week)
    with transaction.atomic():
        # Lock the user's row so that two runs at once cannot both find no digest and both queue one.
        User.objects.select_for_update().filter(pk=user.pk).exists()
        if OutboxMessage.objects.filter(user=user, event=EVENT, key=key).exists():
            return None
        context = digest_build(user=user, week=week)
        if context is None:
            return None
        return _queue(user=user, week=week, context=context, key=key)


def _queue(*, user: User, week: Period, context: dict, key: str) -> OutboxMessage:
    text, html = emails.render("weekly_digest", context)
    return outbox.email_create(
        to=user.email,
        subject=f"Your teams' week: {week}",
        text=text,
        html=html,
        user=user,
        event=EVENT,
        headers=emails.unsubscribe_headers(context["unsubscribe_url"]),
        images=[{"cid": CHART_CID, "subtype": "png", "base64": base64.b64encode(context["chart"]).decode("ascii")}],
        key=key,
    )


def digests_send(*, week: Period | None = None, dry_run: bool = False) -> list[dict]:
    """Send (or with `dry_run`, only list) every recipient's digest of `week` (default: last week). One row per
    recipient: user, email, teams (names), status ("queued", "already sent", "no teams", "would send", "failed")."""
    week = week or last_week()
    report = []
    for user in recipients():
        row = {"user": user, "email": user.email, "teams": [], "status": ""}
        try:
            if dry_run:
                row["teams"] = list(
                    teams_for_user(user=user).order_by("vendor__name", "name").values_list("name", flat=True)
                )
                already = OutboxMessage.objects.filter(user=user, event=EVENT, key=digest_key(week)).exists()
                row["status"] = "already sent" if already else ("would send" if row["teams"] else "no teams")
            else:
                message = digest_send(user=user, week=week)
                row["status"] = "queued" if message else "skipped"
        except Exception:  # one lead's failure must not keep the others' digests back
            logger.exception("Weekly digest for user %s (%s) failed", user.pk, week)
            row["status"] = "failed"
        report.append(row)
    return report
