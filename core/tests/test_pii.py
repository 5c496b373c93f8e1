import time
from collections import Counter

import pytest

from core.pii import (
    FLAG,
    KINDS,
    MARKERS,
    Match,
    card_prefix_ok,
    find,
    flags,
    iban_ok,
    luhn_ok,
    mask,
    masked_excerpt,
)
from core.tests.pii_corpus import CORPUS

# (text, the masked text expected). Masking shows exactly what was found and where.
POSITIVES = [
    # cards: test numbers of each network, spaced, dashed, run together
    ("card 4111 1111 1111 1111 please", "card [card] please"),
    ("card 4111-1111-1111-1111.", "card [card]."),
    ("4111111111111111", "[card]"),
    ("mc 5555 5555 5555 4444", "mc [card]"),
    ("mc 2223 0031 2200 3222", "mc [card]"),
    ("amex 3782 822463 10005", "amex [card]"),
    ("amex 378282246310005,", "amex [card],"),
    ("discover 6011 1111 1111 1117", "discover [card]"),
    ("jcb 3530 1113 3330 0000", "jcb [card]"),
    ("diners 3056 930902 5904", "diners [card]"),
    ("visa 13 4222222222222", "visa 13 [card]"),
    ("unionpay 6200 0000 0000 0005", "unionpay [card]"),
    ("4111 1111 1111 1111 123 (CVV)", "[card] 123 (CVV)"),
    ("expiry 12/27, number 4111 1111 1111 1111", "expiry 12/27, number [card]"),
    # IBANs
    ("IBAN GB82 WEST 1234 5698 7654 32 thanks", "IBAN [iban] thanks"),
    ("DE89370400440532013000", "[iban]"),
    ("de89 3704 0044 0532 0130 00.", "[iban]."),
    ("FR14 2004 1010 0505 0001 3M02 606", "[iban]"),
    ("NL91 ABNA 0417 1643 00", "[iban]"),
    ("ES91 2100 0418 4502 0005 1332 and GB82WEST12345698765432", "[iban] and [iban]"),
    ("BE68 5390 0754 7034", "[iban]"),
    # emails
    ("write to jane.doe@example.com.", "write to [email]."),
    ("<jane.doe+shop@example.co.uk>", "<[email]>"),
    ("From: Sam <SAM_99@mail.example.org>", "From: Sam <[email]>"),
    ("(a.b-c@sub.domain.io)", "([email])"),
    # phones
    ("call +44 20 7946 0958 today", "call [phone] today"),
    ("call +44 (0)20 7946 0958", "call [phone]"),
    ("us (555) 123-4567.", "us [phone]."),
    ("us +1 (555) 123-4567", "us [phone]"),
    ("mobile 612 345 678", "mobile [phone]"),
    ("mobile 0612345678", "mobile [phone]"),
    ("fr 06 12 34 56 78", "fr [phone]"),
    ("fr 06.12.34.56.78", "fr [phone]"),
    ("de +49 30 123456789", "de [phone]"),
    ("intl 0044 20 7946 0958", "intl [phone]"),
    ("tel:+33612345678", "tel:[phone]"),
    ("555-123-4567, thanks", "[phone], thanks"),
    # markers stay markers
    ("already [card] and [iban] and [email] and [phone]", "already [card] and [iban] and [email] and [phone]"),
    # several kinds in one text
    (
        "card 4111 1111 1111 1111 612 345 678 jane@example.com",
        "card [card] [phone] [email]",
    ),
]

# Texts where nothing may be found.
NEGATIVES = [
    "order 1234 5678 9012 3456",  # fails Luhn
    "card 4111 1111 1111 1112",  # Visa prefix, fails Luhn
    "4111 1111 1111 111",  # 15 digits: Visa has no 15-digit numbers
    "1111 1111 1111 1117",  # passes Luhn, no issuer starts with 1
    "0000 0000 0000 0000",
    "tracking 9400111899223856928499",  # 22 digits
    "A-123-456-789",
    "order id A-123-456-789 shipped",
    "1Z999AA10123456784",
    "on 2026-12-08 at 10:30",
    "from 2026-12-08 10:30 to 2026-12-09 11:45",
    "08.12.2026 09:15",
    "paid 1,234.56",
    "paid 1.234.567,89 EUR",
    "total 1 234 567.89",
    "total € 123 456 789",
    "total 123 456 789 EUR",
    "$123456789",
    "short 555-1234",
    "short 12345678",
    "14 days, 3-5 business days, 2 x 3 items",
    "ticket #123456789",
    "order number: 123456789",
    "reference 9876543210",
    "Invoice no. 123 456 789",
    "id=123456789",
    "https://example.com/orders/123456789",
    "x123456789",
    "version 10.2.3.4 build 20261208",
    "IBAN GB82 WEST 1234 5698 7654 33",  # wrong check digits
    "IBAN GB83 WEST 1234 5698 7654 32",
    "IBAN GB82 WEST 1234 5698 7654 321",  # too long for GB
    "jane.doe@localhost",
    "@example.com",
    "not an email: a@b",
    "+44 20",
    "[cards] [Card] [ card ]",
    "",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_mask_replaces_each_value_by_its_marker(text, expected):
    assert mask(text)[0] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_find_finds_nothing_in_look_alikes(text):
    assert find(text) == []
    assert mask(text) == (text, Counter())
    assert flags(text) == []


@pytest.mark.parametrize("text", [text for text, _ in POSITIVES] + NEGATIVES + [c["text"] for c in CORPUS])
def test_mask_is_idempotent(text):
    once, _ = mask(text)
    twice, counts = mask(once)
    assert twice == once
    assert sum(counts.values()) == 0


@pytest.mark.parametrize("case", CORPUS, ids=[c["name"] for c in CORPUS])
def test_mask_corpus_transcripts(case):
    masked, counts = mask(case["text"])
    assert masked == case["masked"]
    assert counts == Counter(case["counts"])
    assert flags(case["text"]) == case["flags"]


@pytest.mark.parametrize("case", CORPUS, ids=[c["name"] for c in CORPUS])
def test_flags_of_masked_corpus_are_the_flags_of_the_original(case):
    assert flags(mask(case["text"])[0]) == case["flags"]


def test_find_returns_kinds_spans_and_redacted_in_text_order():
    text = "[email] then 4111 1111 1111 1111 then +44 20 7946 0958"
    assert find(text) == [
        Match(kind="email", start=0, end=7, redacted=True),
        Match(kind="card", start=13, end=32, redacted=False),
        Match(kind="phone", start=38, end=54, redacted=False),
    ]
    assert text[13:32] == "4111 1111 1111 1111"


def test_find_card_wins_over_phone():
    # 13 run-together digits could be a national phone number shape; as a valid card it is a card only.
    assert [m.kind for m in find("4222222222222")] == ["card"]
    assert [m.kind for m in find("call 4111-1111-1111-1111")] == ["card"]


def test_find_limits_to_kinds():
    text = "jane@example.com, 4111 1111 1111 1111, [phone]"
    assert [m.kind for m in find(text, kinds=("card",))] == ["card"]
    assert [m.kind for m in find(text, kinds=("phone",))] == ["phone"]
    assert mask(text, kinds=("email",)) == ("[email], 4111 1111 1111 1111, [phone]", Counter(email=1))


def test_mask_counts_values_not_markers():
    text = "cards 4111 1111 1111 1111 and 5555 5555 5555 4444, earlier [card], mail a@example.com"
    masked, counts = mask(text)
    assert masked == "cards [card] and [card], earlier [card], mail [email]"
    assert counts == Counter(card=2, email=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[card]", ["pii_card_number"]),
        ("4111 1111 1111 1111", ["pii_card_number"]),
        ("[iban] [email]", ["pii_email", "pii_iban"]),
        ("[phone] and +44 20 7946 0958 and (555) 123-4567", ["pii_phone"]),
        ("nothing here 2026-12-08", []),
    ],
)
def test_flags_are_raised_by_values_and_markers_alike(text, expected):
    assert flags(text) == expected


def test_constants_agree():
    assert KINDS == ("card", "iban", "email", "phone")
    assert set(MARKERS) == set(FLAG) == set(KINDS)
    assert MARKERS["card"] == "[card]" and FLAG["card"] == "pii_card_number"


@pytest.mark.parametrize(
    "text",
    [
        "IBAN GB82 WEST 1234 5698 7654 33",  # wrong check digits
        "IBAN GB82 WEST 1234 5698 7654",  # too short for GB (its digits may still read as a phone number)
        "IBAN GB82 WEST 1234 5698 7654 321",  # too long for GB
        "ZZ82 1234 5678 9012 3456 78",  # no such country
        "GB82WEST123456987654320",  # glued to one more character
    ],
)
def test_find_no_iban_when_check_digits_length_or_country_are_wrong(text):
    assert "iban" not in [m.kind for m in find(text)]


@pytest.mark.parametrize(
    ("digits", "ok"),
    [("4111111111111111", True), ("79927398713", True), ("4111111111111112", False), ("1234567890123456", False)],
)
def test_luhn_ok(digits, ok):
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("4111111111111111", True),
        ("411111111111111", False),  # Visa of 15
        ("378282246310005", True),
        ("3782822463100050", False),  # Amex of 16
        ("5555555555554444", True),
        ("7111111111111111", False),
        ("9111111111111111", False),
    ],
)
def test_card_prefix_ok(digits, ok):
    assert card_prefix_ok(digits) is ok


@pytest.mark.parametrize(
    ("compact", "ok"),
    [
        ("GB82WEST12345698765432", True),
        ("GB82WEST12345698765433", False),
        ("DE89370400440532013000", True),
        ("DE8937040044053201300", False),  # 21, DE is 22
        ("XX89370400440532013000", False),
    ],
)
def test_iban_ok(compact, ok):
    assert iban_ok(compact) is ok


def test_masked_excerpt_shows_the_sentence_with_every_value_masked():
    text = (
        "Agent: Hello there. Your card 4111 1111 1111 1111 and mail jane@example.com are on file. "
        "Anything else I can help with today?"
    )
    card = find(text)[0]
    assert masked_excerpt(text, card) == "Your card [card] and mail [email] are on file."


def test_masked_excerpt_cuts_a_long_line_at_spaces_outside_markers():
    text = ("word " * 30) + "call me on +44 20 7946 0958 " + ("more " * 30) + "jane@example.com"
    phone = next(m for m in find(text) if m.kind == "phone")
    excerpt = masked_excerpt(text, phone, width=20)
    assert "[phone]" in excerpt and "7946" not in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) <= len("[phone]") + 2 * 20 + 2


def test_masked_excerpt_never_leaks_a_value_cut_at_the_edge():
    text = "see 4111 1111 1111 1111 " + "x" * 5 + " [email] " + "5555 5555 5555 4444"
    marker = next(m for m in find(text) if m.redacted)
    excerpt = masked_excerpt(text, marker, width=8)
    assert "4444" not in excerpt and "1111" not in excerpt and "[email]" in excerpt


def test_masked_excerpt_of_a_marker_match():
    text = "Earlier the agent wrote [card]. Then nothing."
    assert masked_excerpt(text, find(text)[0]) == "Earlier the agent wrote [card]."


@pytest.mark.parametrize(
    "text",
    [
        "45B.12][30-9)267974+31806341834@E8875D2",  # a number glued to the one before stays glued once masked
        "389783282 112+12 6519)438906(172]64)",
        "D07 :373022096368+(415097432@ G",
    ],
)
def test_mask_is_idempotent_on_numbers_glued_together(text):
    once, _ = mask(text)
    assert mask(once) == (once, Counter())


@pytest.mark.parametrize("text", ["4 " * 1000, "4111 " * 400, "1-" * 1000, "GB12 " * 400, "+1 " * 700, "a@" * 1000])
def test_find_takes_linear_time_on_long_runs(text):
    started = time.perf_counter()
    find(text)
    assert time.perf_counter() - started < 2  # quadratic windows took seconds here; now milliseconds
