"""The score's weights: ordering by closeness of occupation, level, experience, training."""
import pytest

from marketplace import scoring
from marketplace.scoring import score

LINE = [("7533", "trainee")]


@pytest.fixture
def app(app):
    """The app with an English request context, so reasons render as text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


def test_exact_beats_minor_beats_submajor_even_at_their_best():
    bare_exact, _ = score(LINE, [("7533", "trainee", 0, False)], 12)
    best_minor, _ = score(LINE, [("7531", "expert", 30, True)], 12)
    bare_minor, _ = score(LINE, [("7531", "trainee", 0, False)], 12)
    best_submajor, _ = score(LINE, [("7512", "expert", 30, True)], 12)
    assert bare_exact > best_minor > 0
    assert bare_minor > best_submajor > 0


def test_reasons_name_the_match_level_experience_and_months(app):
    value, reasons = score(LINE, [("7533", "qualified", 4, False)], 18)
    assert [str(r) for r in reasons] == ["exact occupation 7533", "Qualified", "4 years",
                                         "18 months left"]
    assert 0 < value <= 1
    _, minor = score(LINE, [("7531", "qualified", 4, False)], 18)
    _, submajor = score(LINE, [("7512", "qualified", 4, False)], 18)
    assert str(minor[0]) == "same minor group as 7533"
    assert str(submajor[0]) == "same sub-major group as 7533"


def test_level_experience_and_certification_raise_the_score():
    base, _ = score(LINE, [("7533", "trainee", 0, False)], 12)
    assert score(LINE, [("7533", "qualified", 0, False)], 12)[0] > base
    assert score(LINE, [("7533", "expert", 0, False)], 12)[0] > score(
        LINE, [("7533", "qualified", 0, False)], 12)[0]
    assert score(LINE, [("7533", "trainee", 5, False)], 12)[0] > base
    assert score(LINE, [("7533", "trainee", 0, True)], 12)[0] - base == \
        pytest.approx(scoring.CERTIFIED)


def test_below_the_minimum_level_lowers_the_score(app):
    strict = [("7533", "expert")]
    below, reasons = score(strict, [("7533", "qualified", 4, False)], 12)
    met, _ = score(LINE, [("7533", "qualified", 4, False)], 12)
    assert met - below == pytest.approx(scoring.BELOW_MIN_LEVEL)
    assert "below the line's minimum level" in [str(r) for r in reasons]


def test_training_line_accepts_people_without_the_skill_at_a_low_score(app):
    assert score(LINE, [("9112", "expert", 10, True)], 12) == (0.0, [])
    value, reasons = score(LINE, [("9112", "expert", 10, True)], 12, training_provided=True)
    weakest_skilled, _ = score(LINE, [("7512", "trainee", 0, False)], 12)
    assert 0 < value < weakest_skilled + scoring.TRAINING_BASE
    assert str(reasons[0]) == "no related skill, training provided"


def test_score_stays_within_zero_and_one():
    top, _ = score(LINE, [("7533", "expert", 60, True)], 600)
    low, _ = score([("7533", "expert")], [("7512", "trainee", 0, False)], 0)
    assert top == 1.0 and low == 0.0


def test_best_skill_over_several_occupations_counts():
    line = [("7533", "trainee"), ("7114", "trainee")]
    one, _ = score(line, [("7114", "qualified", 2, False), ("7531", "expert", 9, True)], 12)
    alone, _ = score(line, [("7114", "qualified", 2, False)], 12)
    assert one == alone
