import math
import statistics

import pytest

from core.readability import flesch_reading_ease
from qa.reviews.text import transcript_hints
from qa.stats import mean_ci, mean_ci_from_sums, reviews_needed, sd_from_sums


def test_mean_ci_uses_t_for_small_samples_and_shows_n():
    values = [70, 80, 90, 100]
    ci = mean_ci(n=4, mean=statistics.mean(values), sd=statistics.stdev(values))
    half = 3.182 * statistics.stdev(values) / 2
    assert ci.n == 4 and ci.mean == 85
    assert ci.low == pytest.approx(85 - half) and ci.high == pytest.approx(min(100, 85 + half))


def test_mean_ci_has_no_interval_for_one_review():
    ci = mean_ci_from_sums(n=1, total=80, total_sq=6400)
    assert (ci.n, ci.mean, ci.low, ci.high) == (1, 80.0, None, None)


def test_sd_from_sums_matches_the_sample_sd():
    values = [62.5, 91.25, 100, 0, 77]
    sd = sd_from_sums(n=5, total=sum(values), total_sq=sum(v * v for v in values))
    assert sd == pytest.approx(statistics.stdev(values))


def test_reviews_needed_for_a_margin():
    assert reviews_needed(sd=15, margin=5) == math.ceil((1.96 * 15 / 5) ** 2) == 35
    assert reviews_needed(sd=15, margin=50) == 2


@pytest.mark.django_db  # which channels are written is in the channel catalogue
def test_transcript_hints_read_ease_by_the_one_flesch_definition_hiring_uses():
    reply = "We created the changes in version 3.5 for you. Thanks."  # 89.5 by hand: see skillhub test_readability
    hints = transcript_hints(transcript=f"Customer: Is it fixed?\nAgent: {reply}", channel="email")
    assert hints.reading_ease == flesch_reading_ease(reply) == 89.5
    assert hints.reading_label == "easy"


@pytest.mark.django_db  # which channels are written is in the channel catalogue
def test_transcript_hints_score_only_the_agent_and_escape_html():
    hints = transcript_hints(
        transcript="Customer: <b>I'm sorry</b> to bother you\nAgent: Just to confirm, you can't log in? I'm sorry.",
        channel="chat",
    )
    assert hints.listening_count == 1 and hints.empathy_count == 1  # the customer's "I'm sorry" is not counted
    assert "&lt;b&gt;" in hints.turns[0].html
    assert hints.reading_ease is not None
    phone = transcript_hints(transcript="Agent: I'm sorry.", channel="phone")
    assert phone.reading_ease is None and phone.empathy_count == 0


@pytest.mark.django_db  # which channels are written is in the channel catalogue
def test_transcript_hints_know_the_agent_by_name():
    hints = transcript_hints(
        transcript="Customer: It's too expensive.\nLena: I understand how that feels. To recap, you want to cancel?",
        channel="email",
    )
    assert [t.speaker for t in hints.turns] == ["customer", "agent"]
    assert hints.turns[1].label == "Lena" and hints.empathy_count == 1 and hints.listening_count == 1


@pytest.mark.django_db  # which channels are written is in the channel catalogue
def test_empathy_phrases_include_an_apology_without_i_am():
    hints = transcript_hints(transcript="Customer: Broken.\nDalia: Sorry about the trouble!", channel="chat")
    assert hints.empathy_count == 1
