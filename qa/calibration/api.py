"""API of calibration sessions: /api/v1/calibration-sessions/ (read). Results only for those allowed to see them."""

import django_filters
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from core import roles
from qa.calibration import selectors as sel
from qa.calibration import services
from qa.calibration.analytics import NA
from qa.calibration.models import CalibrationParticipant, CalibrationSession, GoldSet
from qa.rules import is_qa_lead


def _gold_sets(request) -> QuerySet[GoldSet]:
    """Gold sets a QA lead shares, and those of the sessions the caller may open. As qa/api/filters.py: an id outside
    the caller's scope and one that does not exist get the same 400."""
    if request is None:
        return GoldSet.objects.none()
    user = request.user
    shared = sel.gold_sets_for_user(user=user).values("pk")
    used = sel.sessions_for_user(user=user).values("gold_set_id")
    return GoldSet.objects.filter(Q(pk__in=shared) | Q(pk__in=used))


class CalibrationSessionFilter(django_filters.FilterSet):
    gold_set = django_filters.ModelChoiceFilter(queryset=_gold_sets)

    class Meta:
        model = CalibrationSession
        fields = ["status", "gold_set"]


class IsQAReviewer(permissions.BasePermission):
    message = "Calibration is for QA reviewers."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and sel.may_use_calibration(request.user))


def _answer(value):
    return "na" if value == NA else value


class ParticipantSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    vendor = serializers.CharField(source="vendor.name", default=None)
    vendor_kind = serializers.CharField(source="vendor.kind", default=None)

    class Meta:
        model = CalibrationParticipant
        fields = ["user", "name", "vendor", "vendor_kind", "is_calibrator"]

    def get_name(self, obj) -> str:
        return obj.user.get_full_name() or obj.user.username


class CalibrationSessionSerializer(serializers.ModelSerializer):
    """A session; `results` is null until the results are open to the caller (blind scoring)."""

    template = serializers.CharField(source="version.template.name")
    version_number = serializers.IntegerField(source="version.number")
    contacts = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True)
    # Plain strings ("open" / "closed"), so the schema's enum names do not collide with reviews' statuses.
    status = serializers.CharField(read_only=True)
    closed_by = serializers.CharField(read_only=True)
    results_available = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = CalibrationSession
        fields = [
            "id",
            "title",
            "version",
            "template",
            "version_number",
            "owner",
            "calibrator",
            "gold_set",
            "deadline",
            "status",
            "closed_by",
            "results_opened_at",
            "contacts",
            "participants",
            "results_available",
            "results",
        ]

    def get_contacts(self, obj) -> list[int]:
        return [item.contact_id for item in obj.items.all()]

    def _visible(self, obj) -> bool:
        user = self.context["request"].user
        if obj.status != CalibrationSession.Status.CLOSED:
            return False
        if roles.is_admin(user) or obj.owner_id == user.pk:
            return True
        if obj.is_participant:
            return obj.my_pending == 0
        return is_qa_lead(user)

    def get_results_available(self, obj) -> bool:
        return self._visible(obj)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_results(self, obj) -> dict | None:
        if not self._visible(obj):
            return None
        return {
            "alpha": obj.alpha,
            "alpha_interval": None if obj.alpha_low is None else [obj.alpha_low, obj.alpha_high],
            "reviewers": [
                {"user": p.user_id, "distance": p.distance, "agreement_pct": p.agreement_pct, "scored": p.scored}
                for p in obj.participants.all()
                if not p.is_calibrator
            ],
        }


class CalibrationSessionDetailSerializer(CalibrationSessionSerializer):
    """Adds the full results: per criterion alpha, spread and answers; per reviewer distance and agreement."""

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_results(self, obj) -> dict | None:
        if not self._visible(obj):
            return None
        results = sel.session_results(session=obj)
        return {
            "alpha": results.alpha,
            "alpha_interval": None if results.interval is None else [results.interval.low, results.interval.high],
            "level": results.level,
            "reading": results.reading[0],
            "reading_text": results.reading[1],
            "reviewers": [
                {
                    "user": row.participant.user_id,
                    "is_calibrator": row.participant.is_calibrator,
                    "vendor_kind": row.participant.vendor.kind if row.participant.vendor else None,
                    "scored": row.scored,
                    "distance": row.distance,
                    "agreement_pct": row.agreement_pct,
                    "tendency": None if row.participant.is_calibrator else row.tendency,
                    "revisions": row.revisions,
                    "scores": [
                        {"contact": item.contact_id, "score": score, "benchmark": bench}
                        for item, score, bench in row.scores
                    ],
                }
                for row in results.participants
            ],
            "groups": [
                {
                    "kind": g.kind,
                    "reviewers": g.participants,
                    "distance": g.distance,
                    "agreement_pct": g.agreement_pct,
                    "alpha": g.alpha,
                }
                for g in results.groups
            ],
            "criteria": [
                {
                    "criterion": row.criterion.pk,
                    "key": row.criterion.key,
                    "text": row.criterion.text,
                    "alpha": row.alpha,
                    "reading": row.reading[0],
                    "guidance": row.criterion.guidance,
                    "departures": row.departures,
                    "agreement_pct": row.agreement_pct,
                    "conversations": [
                        {
                            "contact": s.item.contact_id,
                            "benchmark": _answer(s.spread.benchmark),
                            "counts": {str(_answer(option)): n for option, n in s.spread.counts},
                            "answers": {
                                str(cell[0].participant.user_id): {
                                    "blind": _answer(cell[1]),
                                    "changed_after": _answer(cell[2]),
                                }
                                for cell in s.cells
                            },
                        }
                        for s in row.items
                    ],
                }
                for row in results.criteria
            ],
            "anchoring": {
                "changes": results.anchoring.changes,
                "reviewers": results.revisers,
                "mean_shift": results.anchoring.mean_shift,
                "toward_benchmark": results.anchoring.toward_benchmark,
                "toward_group": results.anchoring.toward_group,
            },
        }


class CalibrationSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Calibration sessions the caller leads or takes part in (QA leads: those on teams in their scope)."""

    permission_classes = [IsQAReviewer]
    filterset_class = CalibrationSessionFilter

    def get_serializer_class(self):
        return CalibrationSessionDetailSerializer if self.action == "retrieve" else CalibrationSessionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CalibrationSession.objects.none()
        user = self.request.user
        mine = CalibrationParticipant.objects.filter(session=OuterRef("pk"), user=user)
        return (
            sel.sessions_for_user(user=user)
            .select_related("version__template")
            .prefetch_related(
                "items",
                Prefetch("participants", queryset=CalibrationParticipant.objects.select_related("user", "vendor")),
            )
            .annotate(
                is_participant=Exists(mine),
                my_pending=Count(
                    "participants__assignments",
                    filter=Q(participants__user=user, participants__assignments__review__submitted_at__isnull=True),
                ),
            )
            .order_by("-created_at", "-pk")
        )

    def get_object(self):
        session = super().get_object()
        if session.status == CalibrationSession.Status.OPEN:
            services.session_sync(session=session)
            session = self.get_queryset().get(pk=session.pk)
        return session
