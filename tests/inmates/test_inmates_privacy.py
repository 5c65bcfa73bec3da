"""The pseudonymous profile a business owner sees holds only what it may."""
from datetime import date

from inmates.services import pseudonymous_profile


def test_profile_has_only_allowed_fields(world):
    profile = pseudonymous_profile(world.person_a, world.line_a.id, on=date(2029, 1, 1))
    assert set(profile) == {"pseudonym", "skills", "months_available"}
    assert profile["months_available"] == 12
    assert profile["skills"] == [{"occupation_code": "7533", "occupation": profile["skills"][0]["occupation"],
                                  "level": "qualified", "years_experience": 4, "certified": False}]
    assert set(profile["skills"][0]) == {"occupation_code", "occupation", "level",
                                         "years_experience", "certified"}
    text = repr(profile)
    person = world.person_a
    for private in (person.last_name, person.first_name, person.file_number, "1985"):
        assert private not in text
    assert profile["pseudonym"].startswith("К-") and len(profile["pseudonym"]) == 8


def test_pseudonym_is_stable_per_line_and_differs_between_lines(world):
    first = pseudonymous_profile(world.person_a, world.line_a.id)["pseudonym"]
    again = pseudonymous_profile(world.person_a, world.line_a.id)["pseudonym"]
    other = pseudonymous_profile(world.person_a, world.line_b.id)["pseudonym"]
    assert first == again
    assert first != other


def test_months_available_is_never_negative(world):
    profile = pseudonymous_profile(world.person_a, world.line_a.id, on=date(2031, 1, 1))
    assert profile["months_available"] == 0
