from datetime import UTC, datetime, timedelta

import pytest

from qa.autoqa import detectors, phrases
from qa.autoqa.detectors import Conversation, Finding, Turn, analyse, run, validate
from qa.autoqa.detectors.sentiment import sentiment
from qa.autoqa.models import PhraseList

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def convo(*lines: tuple[str, str], language: str = "en", channel: str = "chat", name: str = "") -> Conversation:
    return Conversation(
        turns=tuple(Turn(author, text) for author, text in lines),
        language=language,
        channel=channel,
        customer_name=name,
    )


def timed(*lines: tuple[str, str, int]) -> Conversation:
    return Conversation(turns=tuple(Turn(a, text, T0 + timedelta(seconds=s)) for a, text, s in lines))


GOOD = convo(
    ("agent", "Hi Maria, thank you for contacting Acme. My name is Lena, how can I help you today?"),
    ("customer", "My parcel never arrived and I am really angry about it."),
    ("agent", "I'm so sorry to hear that, Maria. May I put you on hold while I check the courier?"),
    ("customer", "OK."),
    ("agent", "Thank you for holding. I have sent a new parcel; you will receive it on Friday."),
    ("customer", "That's great, thank you so much!"),
    ("agent", "Is there anything else I can help with? Have a great day!"),
    name="Maria Lopez",
)
BAD = convo(
    ("agent", "What's the order number?"),
    ("customer", "Hold on, let me find it. It's 4411."),
    ("agent", "I'm sorry, but that's not my job. You should have called the courier."),
    ("customer", "This is terrible service. I'm furious."),
    ("agent", "Bye."),
    name="Maria",
)


def phrase(conversation: Conversation, **params) -> Finding:
    return run("phrases", conversation, params)


# --- registry -------------------------------------------------------------------------------------------------------


def test_registry_holds_every_detector():
    assert {
        "phrases",
        "customer_name",
        "pii",
        "verification_before_account",
        "readability",
        "response_time",
        "sentiment_end",
        "sentiment_recovered",
    } <= set(detectors.REGISTRY)


def test_run_rejects_an_unknown_detector():
    with pytest.raises(ValueError, match="Unknown AutoQA detector"):
        run("telepathy", GOOD, {})


def test_engine_version_is_a_short_stable_fingerprint():
    assert detectors.ENGINE_VERSION == detectors.engine_version()
    assert detectors.ENGINE_VERSION.startswith("rules-") and len(detectors.ENGINE_VERSION) <= 64


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("phrases", {"kind": "telepathy"}),
        ("phrases", {"kind": "negative"}),
        ("phrases", {"kind": "greeting", "patterns": ["hello"]}),
        ("phrases", {"kind": "greeting", "where": "middle"}),
        ("phrases", {"kind": "greeting", "expect": "maybe"}),
        ("phrases", {"kind": "greeting", "phrases": "hello"}),
        ("phrases", {"kind": "closing", "turns": 0}),
        ("customer_name", {"where": "middle"}),
        ("readability", {"min_flesch": "sixty"}),
        ("response_time", {"max_seconds": -5}),
        ("response_time", {"statistic": "mean"}),
        ("sentiment_end", {"min_end": "high"}),
        ("nothing", {}),
    ],
)
def test_validate_rejects_bad_params(code, params):
    with pytest.raises(ValueError):
        validate(code, params)


def test_validate_accepts_good_params():
    validate("phrases", {"kind": "greeting", "where": "first_agent_turn", "expect": "present"})
    validate("phrases", {"phrases": ["welcome aboard"]})
    validate("response_time", {"max_seconds": 60, "statistic": "median"})
    validate("readability", {"min_flesch": 50})


def test_phrase_rule_with_unknown_kind_raises():
    with pytest.raises(ValueError, match="Unknown phrase kind"):
        phrase(GOOD, kind="telepathy")


# --- phrase rules ---------------------------------------------------------------------------------------------------


def test_greeting_found_in_the_first_agent_turn():
    finding = phrase(GOOD, kind="greeting", where="first_agent_turn")
    assert finding.value == 1
    assert "thank you for contacting" in finding.evidence


def test_greeting_missing_scores_zero_and_shows_the_turn():
    finding = phrase(BAD, kind="greeting", where="first_agent_turn")
    assert finding.value == 0
    assert "What's the order number?" in finding.evidence


def test_greeting_later_in_the_conversation_does_not_count_for_the_first_turn():
    conversation = convo(("agent", "Order number?"), ("customer", "123"), ("agent", "Hello again, found it."))
    assert phrase(conversation, kind="greeting", where="first_agent_turn").value == 0
    assert phrase(conversation, kind="greeting", where="any").value == 1


def test_short_phrases_match_whole_words_only():
    conversation = convo(("agent", "This is the third time this happens, which is annoying."))
    assert phrase(conversation, kind="greeting").value == 0  # "hi" inside "this", "third"


def test_introduction_found():
    assert phrase(GOOD, kind="introduction").value == 1
    assert phrase(convo(("agent", "Good morning, this is Lena speaking.")), kind="introduction").value == 1
    assert phrase(BAD, kind="introduction").value == 0


def test_empathy_sorry_to_hear_counts():
    finding = phrase(GOOD, kind="empathy")
    assert finding.value == 1
    assert finding.evidence == "I'm so sorry to hear that, Maria."


def test_empathy_with_typographic_apostrophe_counts():
    assert phrase(convo(("agent", "I’m sorry to hear about the delay.")), kind="empathy").value == 1


def test_sorry_not_my_job_is_neither_empathy_nor_apology():
    assert phrase(BAD, kind="empathy").value == 0
    assert phrase(BAD, kind="apology").value == 0
    rude = convo(("agent", "Sorry, not my job."))
    assert phrase(rude, kind="apology").value == 0


def test_apology_found():
    assert phrase(convo(("agent", "We apologise for the inconvenience.")), kind="apology").value == 1


def test_hold_by_the_customer_does_not_count():
    # BAD's customer says "Hold on"; the agent never asked to hold: the rule does not apply.
    finding = phrase(BAD, kind="hold")
    assert finding.value is None and finding.is_na


def test_hold_etiquette_found_in_the_agent_turns():
    finding = phrase(GOOD, kind="hold")
    assert finding.value == 1 and not finding.is_na
    assert "put you on hold" in finding.evidence


def test_hold_absent_scores_zero_when_asked_not_to_be_na():
    assert phrase(BAD, kind="hold", na_when_absent=False).value == 0


def test_closing_in_the_last_agent_turns():
    assert phrase(GOOD, kind="closing", where="last_agent_turns").value == 1
    assert phrase(BAD, kind="closing", where="last_agent_turns").value == 0


def test_closing_early_does_not_count_for_the_last_turns():
    conversation = convo(
        ("agent", "Is there anything else you need?"),
        ("customer", "Yes, my bill."),
        ("agent", "Sent."),
        ("agent", "Bye."),
    )
    assert phrase(conversation, kind="closing", where="last_agent_turns", turns=2).value == 0
    assert phrase(conversation, kind="closing", where="last_agent_turns", turns=3).value == 1


def test_prohibited_phrase_found_scores_zero_with_a_flag():
    finding = phrase(BAD, kind="prohibited")
    assert finding.value == 0
    assert finding.flags == ["prohibited_phrase"]
    assert "not my job" in finding.evidence


def test_prohibited_phrase_absent_scores_one():
    assert phrase(GOOD, kind="prohibited").value == 1


def test_prohibited_phrase_said_by_the_customer_does_not_count():
    conversation = convo(("customer", "Calm down? You should have sent it!"), ("agent", "I understand how you feel."))
    assert phrase(conversation, kind="prohibited").value == 1


def test_phrase_rule_without_agent_turns_gives_no_answer():
    assert phrase(convo(("customer", "Hello?")), kind="greeting").value is None


def test_phrase_rule_uses_the_criterion_own_phrases():
    conversation = convo(("agent", "Welcome aboard, captain."))
    assert phrase(conversation, phrases=["welcome aboard"]).value == 1
    assert phrase(conversation, phrases=["/ahoy|avast/"]).value == 0


def test_phrase_rule_uses_the_runner_patterns_for_the_language():
    patterns = phrases.compile_lists([("greeting", "en", "howdy"), ("greeting", "es", "hola\n/buen(?:os|as) d[ií]as/")])
    assert phrase(convo(("agent", "Howdy!")), kind="greeting", patterns=patterns).value == 1
    assert phrase(convo(("agent", "Hello!")), kind="greeting", patterns=patterns).value == 0
    assert (
        phrase(
            convo(("agent", "¡Hola! ¿En qué puedo ayudarle?"), language="es"), kind="greeting", patterns=patterns
        ).value
        == 1
    )


def test_phrase_rule_falls_back_to_english_and_base_language():
    assert phrase(convo(("agent", "Hello there"), language="fr"), kind="greeting").value == 1
    assert phrase(convo(("agent", "Olá, bom dia!"), language="pt-BR"), kind="greeting").value == 1


def test_spanish_and_portuguese_defaults():
    assert phrase(convo(("agent", "Lamento escuchar eso."), language="es"), kind="empathy").value == 1
    assert phrase(convo(("agent", "Cálmese, por favor."), language="es"), kind="prohibited").value == 0
    assert phrase(convo(("agent", "Tenha um ótimo dia!"), language="pt"), kind="closing").value == 1


def test_compile_lists_accepts_rows_and_regular_expressions():
    row = PhraseList(kind="closing", language="en", phrases="have a good one\n/talk (?:soon|later)/\n\n")
    pattern = phrases.compile_lists([row])[("closing", "en")]
    assert pattern.search("Talk soon!")
    assert pattern.search("HAVE A GOOD ONE")
    assert not pattern.search("have a good")


def test_compile_lists_rejects_a_broken_expression():
    import re

    with pytest.raises(re.error):
        phrases.compile_lists([("closing", "en", "/talk (soon/")])


# --- the customer's name --------------------------------------------------------------------------------------------


def test_customer_name_used():
    finding = run("customer_name", GOOD, {})
    assert finding.value == 1
    assert "Maria" in finding.evidence


def test_customer_name_not_used():
    conversation = convo(("agent", "Hello, how can I help?"), ("customer", "Hi, I'm Maria"), name="Maria")
    assert run("customer_name", conversation, {}).value == 0


def test_customer_name_inside_another_word_does_not_count():
    conversation = convo(("agent", "Alexander will call you."), name="Alex")
    assert run("customer_name", conversation, {}).value == 0


def test_customer_name_unknown_gives_no_answer():
    assert run("customer_name", convo(("agent", "Hello")), {}).value is None


# --- verification before account details ----------------------------------------------------------------------------


def test_verification_before_account_details_passes():
    conversation = convo(
        ("agent", "For security, can you confirm your date of birth?"),
        ("customer", "1 May 1990"),
        ("agent", "Thanks. Your balance is 120 euros."),
    )
    assert run("verification_before_account", conversation, {}).value == 1


def test_account_details_before_verification_fails_with_a_flag():
    conversation = convo(
        ("agent", "Your balance is 120 euros."),
        ("agent", "For security, can you confirm your date of birth?"),
    )
    finding = run("verification_before_account", conversation, {})
    assert finding.value == 0
    assert finding.flags == ["account_details_before_verification"]
    assert "balance" in finding.evidence


def test_verification_is_na_without_account_details():
    finding = run("verification_before_account", GOOD, {})
    assert finding.value is None and finding.is_na


# --- PII ------------------------------------------------------------------------------------------------------------


def _pii_available() -> bool:
    try:
        from core import pii  # noqa: F401
    except ImportError:
        return False
    return True


needs_pii = pytest.mark.skipif(not _pii_available(), reason="core.pii not merged yet")


@needs_pii
def test_pii_card_number_typed_by_the_agent_fails_with_masked_evidence():
    conversation = convo(("agent", "I see the card 4111 1111 1111 1111 on file, is that right?"))
    finding = run("pii", conversation, {})
    assert finding.value == 0
    assert "pii_card_number" in finding.flags
    assert "4111 1111 1111 1111" not in finding.evidence


@needs_pii
def test_pii_order_number_failing_luhn_is_not_a_card():
    conversation = convo(("agent", "Your order 4111 1111 1111 1112 has shipped."))
    assert "pii_card_number" not in run("pii", conversation, {}).flags


@needs_pii
def test_pii_typed_by_the_customer_does_not_count():
    conversation = convo(("customer", "My card is 4111 1111 1111 1111"), ("agent", "Thanks, noted."))
    assert run("pii", conversation, {}).value == 1


@needs_pii
def test_pii_stored_marker_raises_the_same_flag():
    conversation = convo(("agent", "The card [card] is blocked."))
    finding = run("pii", conversation, {})
    assert finding.value == 0
    assert "pii_card_number" in finding.flags


def test_pii_detector_uses_core_pii(monkeypatch):
    """The detector's contract with core.pii, checked with a stand-in."""
    import sys
    import types
    from dataclasses import dataclass

    @dataclass
    class Match:
        kind: str
        start: int
        end: int
        redacted: str

    stand_in = types.ModuleType("core.pii")
    stand_in.find = lambda text: [Match("card_number", i, i + 4, "[card]") for i in [text.find("4111")] if i >= 0]
    stand_in.flags = lambda text: ["pii_card_number"] if "4111" in text or "[card]" in text else []
    stand_in.mask = lambda text: (text.replace("4111", "[card]"), {})
    stand_in.masked_excerpt = lambda text, match: text[: match.start] + match.redacted + text[match.end :]
    monkeypatch.setitem(sys.modules, "core.pii", stand_in)
    import core

    monkeypatch.setattr(core, "pii", stand_in, raising=False)

    finding = run("pii", convo(("agent", "Card 4111 noted.")), {})
    assert (finding.value, finding.flags, finding.evidence) == (0, ["pii_card_number"], "Card [card] noted.")
    marker = run("pii", convo(("agent", "Hello. Card [card] noted.")), {})
    assert (marker.value, marker.evidence) == (0, "Card [card] noted.")
    assert run("pii", convo(("agent", "All fine.")), {}).value == 1


# --- readability ----------------------------------------------------------------------------------------------------

PLAIN = (
    "Thanks for your message. I have checked your order. It left our store on Monday. "
    "It should reach you by Friday. I will send you the tracking link now. Let me know if it does not come."
)
HARD = (
    "Notwithstanding the aforementioned considerations, the organisational infrastructure necessitates "
    "comprehensive documentation substantiating eligibility, consequently postponing authorisation indefinitely "
    "pending administrative verification of the contractual obligations undertaken previously by the beneficiary. "
    "Furthermore, supplementary authentication requirements, institutional accountability considerations and "
    "regulatory harmonisation initiatives complicate expeditious determination."
)


def test_readability_of_plain_replies_passes():
    finding = run("readability", convo(("agent", PLAIN)), {"min_flesch": 60})
    assert finding.value == 1
    assert finding.evidence.startswith("Flesch reading ease ")


def test_readability_of_convoluted_replies_fails():
    finding = run("readability", convo(("agent", HARD)), {"min_flesch": 60})
    assert finding.value == 0
    assert "difficult" in finding.evidence


def test_readability_ignores_the_customer_text():
    conversation = convo(("customer", HARD), ("agent", PLAIN))
    assert run("readability", conversation, {}).value == 1


def test_readability_gives_no_answer_for_voice_or_little_text():
    assert run("readability", convo(("agent", PLAIN), channel="phone"), {}).value is None
    assert run("readability", convo(("agent", PLAIN)), {"written": False}).value is None
    assert run("readability", convo(("agent", "Done, thanks.")), {}).value is None


# --- response time --------------------------------------------------------------------------------------------------


def test_response_time_within_the_limit():
    conversation = timed(
        ("customer", "Hi", 0), ("agent", "Hello", 30), ("customer", "Help", 60), ("agent", "Sure", 100)
    )
    finding = run("response_time", conversation, {"max_seconds": 120})
    assert finding.value == 1
    assert "40 s" in finding.evidence


def test_response_time_counts_from_the_first_waiting_message():
    conversation = timed(("customer", "Hi", 0), ("customer", "Anyone?", 100), ("agent", "Hello", 150))
    finding = run("response_time", conversation, {"max_seconds": 120})
    assert finding.value == 0
    assert "2 min 30 s" in finding.evidence


def test_response_time_median():
    conversation = timed(
        ("customer", "a", 0), ("agent", "b", 10), ("customer", "c", 20), ("agent", "d", 30),
        ("customer", "e", 40), ("agent", "f", 400),
    )  # fmt: skip
    assert run("response_time", conversation, {"max_seconds": 60}).value == 0
    assert run("response_time", conversation, {"max_seconds": 60, "statistic": "median"}).value == 1


def test_response_time_without_times_gives_no_answer():
    assert run("response_time", GOOD, {}).value is None


# --- sentiment ------------------------------------------------------------------------------------------------------


def test_sentiment_start_and_end():
    start, end = sentiment(GOOD)
    assert start < -0.05 < 0.05 < end


def test_sentiment_is_none_for_other_languages_or_no_customer_text():
    assert sentiment(convo(("customer", "Estoy muy enfadado"), language="es")) == (None, None)
    assert sentiment(convo(("agent", "Hello"))) == (None, None)


def test_sentiment_end_positive_passes_negative_fails():
    assert run("sentiment_end", GOOD, {"min_end": 0.05}).value == 1
    finding = run("sentiment_end", BAD, {"min_end": 0.05})
    assert finding.value == 0
    assert "furious" in finding.evidence


def test_sentiment_end_evidence_is_masked(monkeypatch):
    from qa.autoqa.detectors import _text

    monkeypatch.setattr(_text, "mask", lambda text: text.replace("maria@example.com", "[email]"))
    conversation = convo(("customer", "Great, write to maria@example.com, thanks!"))
    assert "[email]" in run("sentiment_end", conversation, {}).evidence


def test_sentiment_recovered_angry_customer_calmed():
    assert run("sentiment_recovered", GOOD, {}).value == 1


def test_sentiment_recovered_angry_customer_not_calmed():
    conversation = convo(("customer", "This is awful, I'm furious."), ("agent", "Noted."), ("customer", "Terrible."))
    assert run("sentiment_recovered", conversation, {}).value == 0


def test_sentiment_recovered_na_when_the_customer_started_calm():
    conversation = convo(("customer", "Hi, a quick question please."), ("agent", "Sure."), ("customer", "Thanks!"))
    finding = run("sentiment_recovered", conversation, {})
    assert finding.value is None and finding.is_na


# --- analyse --------------------------------------------------------------------------------------------------------


def test_analyse_runs_each_criterion_and_gathers_flags_and_sentiment():
    findings, flags, (start, end) = analyse(
        BAD,
        [
            (1, "phrases", {"kind": "prohibited"}),
            (2, "phrases", {"kind": "greeting", "where": "first_agent_turn"}),
            (3, "phrases", {"kind": "telepathy"}),
        ],
    )
    assert findings[1].value == 0 and findings[2].value == 0
    assert findings[3].value is None and "Unknown phrase kind" in findings[3].evidence
    assert "prohibited_phrase" in flags
    assert start is not None and end < 0


def test_warm_up_loads_the_lexicons_without_error():
    detectors.warm_up()


def test_detectors_need_no_download_at_run_time(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a detector tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    findings, _flags, _sentiment = analyse(GOOD, [(code, code, {}) for code in detectors.REGISTRY if code != "phrases"])
    assert findings["readability"].value is not None
    assert sentiment(GOOD) != (None, None)


def test_bench_reports_conversations_per_second(capsys):
    from qa.autoqa.detectors import bench

    assert bench.main(50) > 0
    assert "conversations/s" in capsys.readouterr().out


# --- seeded phrase lists --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_phrase_lists_are_seeded_for_three_languages():
    rows = set(PhraseList.objects.values_list("kind", "language"))
    for language in ("en", "es", "pt"):
        assert {(kind, language) for kind in phrases.KINDS} <= rows
    greeting = PhraseList.objects.get(kind="greeting", language="en")
    assert "thank you for contacting" in greeting.phrases.splitlines()


def test_sentiment_accepts_turns_given_as_a_list():
    conversation = Conversation(turns=[Turn("customer", "I'm furious."), Turn("customer", "Thanks, great!")])
    start, end = sentiment(conversation)
    assert start < 0 < end
    assert run("sentiment_recovered", conversation, {}).value == 1
