from core.readability import flesch_reading_ease, reading_ease_label, syllables

# 9 words, 2 sentences ("3.5" neither a word nor a sentence end), 12 syllables:
# 206.835 − 1.015 × 9/2 − 84.6 × 12/9 = 89.4675.
REPLY = "We created the changes in version 3.5 for you. Thanks."


def test_flesch_reading_ease_by_hand():
    assert [syllables(word) for word in ("created", "changes", "version", "beautiful", "table", "helped")] == [
        2,
        2,
        2,
        3,
        2,
        1,
    ]
    assert flesch_reading_ease(REPLY) == 89.5
    assert flesch_reading_ease("The cat sat on the mat.") == 116.1  # 6 words, 1 sentence, 6 syllables


def test_flesch_reading_ease_prefers_short_plain_sentences():
    plain = flesch_reading_ease("I fixed it. You can log in now. Is there anything else?")
    dense = flesch_reading_ease(
        "Subsequently, authentication infrastructure reconfiguration necessitates comprehensive verification "
        "of organisational credentials prior to reinstatement."
    )
    assert plain > 80 > 0 > dense
    assert flesch_reading_ease("") is None and flesch_reading_ease("3.5 + 4") is None


def test_a_sentence_ends_at_a_stop_and_a_space_or_at_a_blank_line():
    # "Hi Maria," above a blank line is a sentence of its own: 2 + 4 words in two sentences, not 6 in one.
    assert flesch_reading_ease("Hi Maria,\n\nThe refund is done.") == flesch_reading_ease(
        "Hi Maria. The refund is done."
    )
    assert flesch_reading_ease("It is version 3.5 now.") == flesch_reading_ease("It is version now.")  # one sentence


def test_reading_ease_labels_follow_flesch_bands():
    assert [reading_ease_label(score) for score in (None, 95, 90, 89.5, 65, 55, 35, 10, -20)] == [
        "no text",
        "very easy",
        "very easy",
        "easy",
        "plain English",
        "fairly difficult",
        "difficult",
        "very difficult",
        "very difficult",
    ]
