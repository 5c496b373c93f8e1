"""Krippendorff's alpha against the published worked examples and the `krippendorff` package."""

import random

import pytest

from qa.calibration import irr

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers, 12 units, missing values.
EXAMPLE_C = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        strict=True,
    )
)
# Example A: two observers, binary data, no missing values.
EXAMPLE_A = list(zip([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0], strict=True))
# Example B: two observers, nominal categories a–e.
EXAMPLE_B = list(zip("aabbdcccedda", "babbbccceddd", strict=True))


@pytest.mark.parametrize(
    ("units", "level", "published"),
    [
        (EXAMPLE_A, irr.NOMINAL, 0.095),
        (EXAMPLE_B, irr.NOMINAL, 0.692),
        (EXAMPLE_C, irr.NOMINAL, 0.743),
        (EXAMPLE_C, irr.ORDINAL, 0.815),
        (EXAMPLE_C, irr.INTERVAL, 0.849),
    ],
)
def test_alpha_matches_krippendorff_2011_worked_examples(units, level, published):
    assert irr.alpha(units, level=level) == pytest.approx(published, abs=0.0005)


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_variation():
    assert irr.alpha([[1, 1, N], [0, 0, 0], [1, N, 1]]) == 1.0
    assert irr.alpha([[1, 1], [1, 1]]) is None  # nothing to disagree about
    assert irr.alpha([[1, N], [N, 0]]) is None  # no pairable unit


def test_alpha_drops_units_with_a_single_value():
    assert irr.alpha(EXAMPLE_C + [[7, N, N, N]], level=irr.ORDINAL) == irr.alpha(EXAMPLE_C, level=irr.ORDINAL)


def test_alpha_rejects_an_unknown_level():
    with pytest.raises(ValueError):
        irr.alpha(EXAMPLE_A, level="ratio-ish")


def _random_data(rng: random.Random, *, coders: int, units: int, values: int, missing: float):
    data = []
    for _ in range(units):
        truth = rng.randrange(values)
        row = []
        for _ in range(coders):
            if rng.random() < missing:
                row.append(None)
            elif rng.random() < 0.6:
                row.append(truth)
            else:
                row.append(rng.randrange(values))
        data.append(row)
    return data


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("level", [irr.NOMINAL, irr.ORDINAL, irr.INTERVAL])
def test_alpha_agrees_with_the_krippendorff_package_on_random_data_with_missing_answers(seed, level):
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    rng = random.Random(seed)
    data = _random_data(rng, coders=rng.randint(2, 7), units=rng.randint(5, 30), values=rng.randint(2, 6), missing=0.25)
    ours = irr.alpha(data, level=level)
    if ours is None:
        pytest.skip("no variation drawn")
    reliability = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float).T
    theirs = krippendorff.alpha(reliability_data=reliability, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize(
    ("units", "level"), [(EXAMPLE_A, irr.NOMINAL), (EXAMPLE_B, irr.NOMINAL), (EXAMPLE_C, irr.ORDINAL)]
)
def test_bootstrap_interval_covers_the_point_estimate_of_the_worked_examples(units, level):
    point = irr.alpha(units, level=level)
    interval = irr.bootstrap_interval(units, level=level, samples=500, seed=1)
    assert interval.low <= point <= interval.high
    assert interval.low < interval.high
    assert interval.samples > 400


@pytest.mark.parametrize("seed", range(5))
def test_bootstrap_interval_covers_the_point_estimate_on_random_data(seed):
    data = _random_data(random.Random(seed), coders=5, units=40, values=5, missing=0.2)
    point = irr.alpha(data, level=irr.ORDINAL)
    interval = irr.bootstrap_interval(data, level=irr.ORDINAL, samples=300, seed=seed)
    assert interval.low <= point <= interval.high


def test_bootstrap_interval_is_reproducible_and_narrows_with_more_units():
    rng = random.Random(3)
    small = _random_data(rng, coders=4, units=10, values=4, missing=0.1)
    large = _random_data(rng, coders=4, units=200, values=4, missing=0.1)
    a = irr.bootstrap_interval(small, level=irr.ORDINAL, samples=300, seed=9)
    assert a == irr.bootstrap_interval(small, level=irr.ORDINAL, samples=300, seed=9)
    b = irr.bootstrap_interval(large, level=irr.ORDINAL, samples=300, seed=9)
    assert (b.high - b.low) < (a.high - a.low)


def test_bootstrap_interval_is_none_when_alpha_is_undefined():
    assert irr.bootstrap_interval([[1, 1], [1, 1]]) is None


@pytest.mark.parametrize(
    ("value", "level"),
    [(0.93, "good"), (0.8, "good"), (0.7, "tentative"), (0.667, "tentative"), (0.5, "poor"), (None, "undefined")],
)
def test_reading_puts_alpha_in_plain_words(value, level):
    assert irr.reading(value)[0] == level
