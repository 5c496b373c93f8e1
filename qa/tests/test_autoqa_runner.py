"""The AutoQA runner: batched, idempotent, re-scored on a new engine, scored by the same rule as human reviews, and
never counted as a human review."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import ContactTurn
from core.tests.factories import ContactFactory
from qa.autoqa import services
from qa.autoqa.models import AutoAnswer, AutoReview, PhraseList
from qa.models import Review, ReviewAnswer
from qa.scoring import RawAnswer, score_answers
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory

GOOD = "Agent: Good morning, thank you for contacting us. I'm sorry to hear that.\nCustomer: Thanks, that helps."
BAD = "Agent: Sorry, not my job. Your card 4111 1111 1111 1111 is noted.\nCustomer: This is useless, I'm furious."


@pytest.fixture
def auto_version(db):
    from qa.scorecards.models import ScorecardTemplate

    ScorecardTemplate.objects.update(is_default=False)
    version = VersionFactory(template__is_default=True)
    section = SectionFactory(version=version)
    version.greeted = CriterionFactory(
        section=section, key="greeted", detector="phrases", detector_params={"kind": "greeting"}
    )
    version.data = CriterionFactory(section=section, key="data", detector="pii", critical=True)
    CriterionFactory(section=section, key="human-only")  # no detector: humans answer it
    return version


def _score(contact_ids, **kwargs):
    return services.autoreviews_build(contact_ids=contact_ids, **kwargs)


def test_runner_scores_a_conversation_with_the_human_scoring_rule(agent, auto_version):
    good = ContactFactory(agent=agent, transcript=GOOD)
    assert _score([good.pk])["scored"] == 1
    auto = AutoReview.objects.get(contact=good)
    answers = {a.criterion_id: a for a in auto.answers.all()}
    assert answers[auto_version.greeted.pk].value == 1 and answers[auto_version.data.pk].value == 1
    expected = score_answers(
        criteria=[auto_version.greeted, auto_version.data],
        answers={pk: RawAnswer(value=a.value, is_na=a.is_na) for pk, a in answers.items()},
        channel=good.channel,
    )
    assert auto.score == expected.score == 100
    assert auto.version == auto_version and auto.answered == 2


def test_runner_flags_a_typed_card_masks_the_evidence_and_fails_the_critical_line(agent, auto_version):
    bad = ContactFactory(agent=agent, transcript=BAD)
    _score([bad.pk])
    auto = AutoReview.objects.get(contact=bad)
    assert "pii_card_number" in auto.flags and auto.auto_failed and auto.score == 0
    evidence = AutoAnswer.objects.get(auto_review=auto, criterion=auto_version.data).evidence
    assert "4111" not in evidence and "[card]" in evidence


def test_runner_reads_turns_before_the_plain_transcript(agent, auto_version):
    contact = ContactFactory(agent=agent, transcript="")
    start = timezone.now()
    ContactTurn.objects.create(
        contact=contact, position=0, author="agent", text="Hello, thanks for contacting us", at=start
    )
    ContactTurn.objects.create(
        contact=contact, position=1, author="customer", text="Great", at=start + timedelta(seconds=5)
    )
    _score([contact.pk])
    assert AutoAnswer.objects.get(criterion=auto_version.greeted).value == 1


def test_runner_skips_contacts_without_text(agent, auto_version):
    empty = ContactFactory(agent=agent, transcript="")
    assert _score([empty.pk])["no_text"] == 1
    assert not AutoReview.objects.exists()
    assert services.autoreviews_due() == []


def test_runner_is_idempotent_and_rescores_when_the_engine_changes(agent, auto_version):
    contact = ContactFactory(agent=agent, transcript=GOOD)
    _score([contact.pk])
    first = AutoReview.objects.get()
    assert _score([contact.pk]) == {"scored": 0, "skipped": 1, "no_text": 0, "no_scorecard": 0}
    assert services.autoreviews_due() == []
    PhraseList.objects.update_or_create(kind="greeting", language="en", defaults={"phrases": "howdy"})
    assert services.autoreviews_due() == [contact.pk]  # a phrase list changed: the engine did
    assert _score([contact.pk])["scored"] == 1
    again = AutoReview.objects.get()
    assert again.pk == first.pk and again.engine != first.engine
    assert AutoAnswer.objects.get(criterion=auto_version.greeted).value == 0  # "howdy" is not in the transcript
    assert AutoAnswer.objects.count() == 2


@pytest.mark.parametrize("n", [3, 30])
def test_runner_runs_a_constant_number_of_queries_per_batch(agent, auto_version, n, django_assert_max_num_queries):
    ids = [ContactFactory(agent=agent, transcript=GOOD).pk for _ in range(n)]
    with django_assert_max_num_queries(16):
        _score(ids)
    assert AutoReview.objects.count() == n


def test_autoqa_is_never_a_human_review(agent, auto_version):
    contact = ContactFactory(agent=agent, transcript=GOOD)
    _score([contact.pk])
    assert not Review.objects.exists() and not ReviewAnswer.objects.exists()


def test_autoqa_run_command_and_sweep_task(agent, auto_version, capsys):
    ids = [ContactFactory(agent=agent, transcript=GOOD).pk for _ in range(3)]
    call_command("autoqa_run", verbosity=0)
    assert "3 scored" in capsys.readouterr().out
    from qa.tasks import autoqa_sweep

    assert autoqa_sweep()["scored"] == 0  # nothing due
    AutoReview.objects.filter(contact_id=ids[0]).update(engine="old")
    assert autoqa_sweep()["scored"] == 1


def test_autoqa_run_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("autoqa_run", since="yesterday", verbosity=0)


def test_autoqa_run_since_scores_only_contacts_from_that_day(agent, auto_version, capsys):
    old = ContactFactory(agent=agent, transcript=GOOD, started_at=timezone.now() - timedelta(days=40))
    new = ContactFactory(agent=agent, transcript=GOOD)
    call_command("autoqa_run", since=(timezone.localdate() - timedelta(days=10)).isoformat(), verbosity=0)
    assert "1 scored" in capsys.readouterr().out
    assert list(AutoReview.objects.values_list("contact_id", flat=True)) == [new.pk]
    assert services.autoreviews_due() == [old.pk]
