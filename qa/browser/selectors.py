"""Reads of the conversation browser: the contacts a user may browse, the search over them (PostgreSQL full-text
search with the GIN indexes of skillhub's migration 0017; a plain icontains on SQLite), and one page of results with
a count capped at COUNT_CAP (never a full count of a million rows)."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr

from core import roles
from core.models import Contact, ContactTurn, User
from qa.browser.models import SavedFilter
from qa.conversations.selectors import contacts_for_user
from qa.reviews.selectors import reviews_blocking

COUNT_CAP = 10_000
PAGE_SIZE = 50
SNIPPET_CHARS = 200


def can_browse(user: User) -> bool:
    """Admins, QA reviewers and ops leads (their teams' conversations, read-only) browse conversations."""
    return roles.has_role(user, roles.QA_REVIEWER, roles.OPS_LEAD)


def can_review(user: User) -> bool:
    """Who may start a review from the browser: QA reviewers and admins."""
    return roles.has_role(user, roles.QA_REVIEWER)


def contacts_for_browser(*, user: User) -> QuerySet[Contact]:
    """Contacts `user` may find here: the conversation pages' own scope (qa.conversations.selectors)."""
    return contacts_for_user(user=user)


def reviewed_filter(queryset: QuerySet[Contact], *, reviewed: bool) -> QuerySet[Contact]:
    exists = Exists(reviews_blocking(OuterRef("pk")))
    return queryset.filter(exists if reviewed else ~exists)


def repeat_filter(queryset: QuerySet[Contact], *, repeat: bool) -> QuerySet[Contact]:
    """A repeat contact: its case has an earlier contact (served by the (case_id, started_at) index)."""
    earlier = Exists(Contact.objects.filter(case_id=OuterRef("case_id"), started_at__lt=OuterRef("started_at")))
    return queryset.filter(earlier if repeat else ~earlier)


# --- words ---------------------------------------------------------------------------------------------------------


def words_filter(queryset: QuerySet[Contact], *, words: str) -> QuerySet[Contact]:
    """Contacts whose transcript or one of whose turns holds `words` (web-search syntax: "a phrase", -word, or)."""
    words = words.strip()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        # The contact's search document (skillhub 0017: its transcript's and turns' words, kept by triggers) and its
        # GIN index. Unqualified: the column is not a model field, and only the contact table has it.
        matches = RawSQL("search_document @@ websearch_to_tsquery('simple', %s)", [words], output_field=BooleanField())
        return queryset.alias(words_match=matches).filter(words_match=True)
    return _words_fallback(queryset, words)


_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def parse_words(words: str) -> list[tuple[bool, str]]:
    """(negated, term) of "quoted phrases", -excluded and plain words, as websearch_to_tsquery reads them."""
    terms = []
    for match in _TERM.finditer(words):
        negated, term = (match.group(1), match.group(2)) if match.group(2) is not None else match.group(3, 4)
        term = term.strip()
        if term and term.lower() != "or":
            terms.append((negated == "-", term))
    return terms


def _words_fallback(queryset: QuerySet[Contact], words: str) -> QuerySet[Contact]:
    """SQLite: every term in the transcript or a turn (icontains), no excluded term in either."""
    for negated, term in parse_words(words):
        in_turns = Exists(ContactTurn.objects.filter(contact=OuterRef("pk"), text__icontains=term))
        condition = Q(transcript__icontains=term) | Q(in_turns)
        queryset = queryset.exclude(condition) if negated else queryset.filter(condition)
    return queryset


# --- results -------------------------------------------------------------------------------------------------------


@dataclass
class ResultPage:
    rows: list[Contact]
    number: int
    count: int  # capped at COUNT_CAP + 1
    has_next: bool

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_CAP)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.rows)


def capped_count(queryset: QuerySet[Contact], cap: int | None = None) -> int:
    """COUNT(*) over a LIMIT cap+1 subquery: at most cap+1 rows are ever counted."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by().values("pk")[: cap + 1].count()


def result_page(queryset: QuerySet[Contact], *, page: int = 1) -> ResultPage:
    """One page (newest first) of a filtered search, in three queries whatever the data size: the capped count (at
    most COUNT_CAP + 1 matches are ever counted, in whatever order the database finds them fastest), the page's ids
    (newest first: the walk down the started_at index stops after the page), then the page's rows by id. Two
    questions rather than one ordered list of 10,001 ids: sorting every match costs a partner's reviewer 0.5 s
    for a common word over a year of a million contacts (bench/README.md, "Conversation browser"). Pages stop at the
    cap."""
    last_page = max(1, -(-COUNT_CAP // PAGE_SIZE))
    page = min(max(page, 1), last_page)
    count = capped_count(queryset)
    offset = (page - 1) * PAGE_SIZE
    page_ids = list(queryset.order_by("-started_at", "-pk").values_list("pk", flat=True)[offset : offset + PAGE_SIZE])
    first_turn = ContactTurn.objects.filter(contact=OuterRef("pk")).order_by("position").values("text")[:1]
    review = reviews_blocking(OuterRef("pk")).values("pk")[:1]
    rows = (
        list(
            Contact.objects.filter(pk__in=page_ids)
            .select_related("agent__user", "team__vendor")
            .defer("transcript", "survey_comment")
            .annotate(
                transcript_start=Substr("transcript", 1, SNIPPET_CHARS),
                first_turn=Substr(Subquery(first_turn), 1, SNIPPET_CHARS),
                review_id=Subquery(review),
            )
            .order_by("-started_at", "-pk")
        )
        if page_ids
        else []
    )
    has_next = offset + PAGE_SIZE < min(count, COUNT_CAP)
    return ResultPage(rows=rows, number=page, count=count, has_next=has_next)


def saved_filters_for(*, user: User) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user).order_by("name")
