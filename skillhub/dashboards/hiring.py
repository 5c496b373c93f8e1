"""The hiring dashboard's reads: candidates per stage per requisition, time in stage and pass rate per stage.

Read from the hiring app's tables (Candidate.stage today, StageMove history) with database aggregates. A stage's
pass rate is the share of candidates who left it for a later stage (not rejected) among those who left it; the time
in a stage is the mean time between entering it and leaving it, over the stays that ended in the period's scope.
"""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from assessments.models import ASSESSMENT_STAGES, Candidate, Requisition, Stage, StageMove

PIPELINE = [*ASSESSMENT_STAGES, Stage.HIRED, Stage.REJECTED]


def pipeline(*, requisitions: QuerySet[Requisition]) -> list[dict]:
    """Per requisition (open first): the number of candidates in each stage today. Two queries."""
    counts = {
        (row["requisition_id"], row["stage"]): row["n"]
        for row in Candidate.objects.filter(requisition__in=requisitions.values("pk"))
        .values("requisition_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for pk, title, status, openings in requisitions.order_by("status", "-created_at", "pk").values_list(
        "pk", "title", "status", "openings"
    ):
        stages = [counts.get((pk, str(stage)), 0) for stage in PIPELINE]
        rows.append(
            {
                "requisition_id": pk,
                "title": title,
                "status": Requisition.Status(status).label,
                "openings": openings,
                "stages": stages,
                "total": sum(stages),
            }
        )
    return rows


def stage_stats(*, requisitions: QuerySet[Requisition]) -> list[dict]:
    """Per assessment stage: candidates who entered it, left it, passed it, the pass rate and mean days in it."""
    moves = StageMove.objects.filter(candidate__requisition__in=requisitions.values("pk"))
    entered_at = Subquery(
        StageMove.objects.filter(
            candidate=OuterRef("candidate"), to_stage=OuterRef("from_stage"), moved_at__lte=OuterRef("moved_at")
        )
        .order_by("-moved_at", "-pk")
        .values("moved_at")[:1]
    )
    left = {
        row["from_stage"]: row
        for row in moves.exclude(from_stage="")
        .annotate(stay=ExpressionWrapper(F("moved_at") - entered_at, output_field=DurationField()))
        .values("from_stage")
        .annotate(
            left=Count("candidate", distinct=True),
            passed=Count("candidate", distinct=True, filter=~Q(to_stage=Stage.REJECTED)),
            mean_stay=Avg("stay"),
        )
        .order_by()
    }
    entered = {
        row["to_stage"]: row["n"]
        for row in moves.values("to_stage").annotate(n=Count("candidate", distinct=True)).order_by()
    }
    rows = []
    for stage in ASSESSMENT_STAGES:
        out = left.get(str(stage), {})
        n_left, passed = out.get("left", 0), out.get("passed", 0)
        stay = out.get("mean_stay")
        rows.append(
            {
                "stage": stage.label,
                "entered": entered.get(str(stage), 0),
                "left": n_left,
                "passed": passed,
                "pass_rate": 100 * passed / n_left if n_left else None,
                "mean_days": stay.total_seconds() / 86400 if stay is not None else None,
            }
        )
    return rows
