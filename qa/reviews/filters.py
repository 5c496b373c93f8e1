"""The reviewer's queue as a filter form (django-filter): what the GET parameters of /qa/ mean, so a filtered queue is
a link anyone in the same scope can open."""

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet

from core.selectors.channels import channel_choices
from core.selectors.scope import agents_for_user, teams_for_user
from qa.reviews.models import Review

TABS = [
    ("todo", "To do"),
    ("drafts", "Drafts"),
    ("overdue", "Overdue"),
    ("released", "Released"),
    ("disputes", "Disputes"),
]
# The tabs whose reviews are still open: "next" after submitting walks these.
OPEN_TABS = ("todo", "drafts", "overdue")

SORTS = [
    ("due", "Due date"),
    ("oldest", "Oldest conversation first"),
    ("newest", "Newest conversation first"),
    ("agent", "Agent"),
    ("score", "Score (lowest first)"),
]
ORDERINGS = {
    "due": [F("due_date").asc(nulls_last=True), "contact__started_at", "pk"],
    "oldest": ["contact__started_at", "pk"],
    "newest": ["-contact__started_at", "-pk"],
    "agent": [
        "agent__user__last_name",
        "agent__user__first_name",
        "agent_id",
        F("due_date").asc(nulls_last=True),
        "pk",
    ],
    "score": [F("score").asc(nulls_last=True), F("due_date").asc(nulls_last=True), "pk"],
}

MINE, UNASSIGNED, EVERYONE = "mine", "unassigned", "all"
# Who reviews the queue's rows is a filter too; the origins a queue shows (an agent's self-review is theirs alone).
ORIGINS = [(value, label) for value, label in Review.Origin.choices if value != Review.Origin.SELF]
MAX_SEARCH_WORDS = 5


class QueueFilter(django_filters.FilterSet):
    """The queue's filters. `reviewers` (a QA lead's or admin's: the reviewers of their scope) adds "everyone" and each
    reviewer to the reviewer filter; a plain reviewer chooses between their own reviews and the unassigned ones.
    `tab` and `sort` are read by the selector (qa.reviews.selectors.queue_page), not filtered here."""

    q = django_filters.CharFilter(method="search", label="Search", max_length=200)
    tab = django_filters.ChoiceFilter(choices=TABS, method="keep", label="Status", empty_label=None)
    reviewer = django_filters.ChoiceFilter(method="by_reviewer", label="Reviewer", empty_label=None)
    agent = django_filters.ModelChoiceFilter(queryset=None, label="Agent", empty_label="Any agent")
    team = django_filters.ModelChoiceFilter(queryset=None, label="Team", empty_label="Any team")
    channel = django_filters.ChoiceFilter(field_name="contact__channel", label="Channel", empty_label="Any channel")
    origin = django_filters.ChoiceFilter(choices=ORIGINS, label="Origin", empty_label="Any origin")
    due_before = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lte",
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(choices=SORTS, method="keep", label="Sort", empty_label=None)

    class Meta:
        model = Review
        fields: list[str] = []

    def __init__(
        self, data, *args, user, reviewers: QuerySet | None = None, default_reviewer: str | None = MINE, **kwargs
    ):
        if default_reviewer and not data.get("reviewer"):
            data = data.copy()
            data["reviewer"] = default_reviewer
        super().__init__(data, *args, **kwargs)
        self.user = user
        fields = self.form.fields
        fields["agent"].queryset = (
            agents_for_user(user=user).select_related("user").order_by("user__last_name", "user__first_name", "pk")
        )
        fields["team"].queryset = teams_for_user(user=user).order_by("name")
        fields["channel"].choices = [("", "Any channel"), *channel_choices(include_inactive=True)]
        who = [(MINE, "Mine"), (UNASSIGNED, "Unassigned")]
        if reviewers is not None:
            who += [(EVERYONE, "Everyone"), *[(str(r.pk), str(r)) for r in reviewers]]
        fields["reviewer"].choices = who
        for field in fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
        fields["q"].widget.attrs.update(type="search", placeholder="Agent, conversation or case id")

    def keep(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        for word in value.split()[:MAX_SEARCH_WORDS]:
            queryset = queryset.filter(
                Q(agent__user__first_name__icontains=word)
                | Q(agent__user__last_name__icontains=word)
                | Q(agent__user__username__icontains=word)
                | Q(contact__external_id__icontains=word)
                | Q(contact__case_id__icontains=word)
            )
        return queryset

    def by_reviewer(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(reviewer_id=self.user.pk)
        if value == UNASSIGNED:
            return queryset.filter(reviewer__isnull=True)
        if value == EVERYONE:
            return queryset
        return queryset.filter(reviewer_id=int(value))

    def choice(self, name: str, default: str) -> str:
        """The valid value of a choice (tab, sort, reviewer) or `default`."""
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get(name) or default
        value = (self.data or {}).get(name)
        return value if value in dict(self.form.fields[name].choices) else default
