"""Every page a role may open is markup a screen reader can follow: no id is used twice, every
id a label, aria-describedby or aria-labelledby names is on the page, and every input, select
and text area has a name of its own (a label for it or around it, aria-label or
aria-labelledby).

The pages are those of the URL-map walk of tests/web/test_no_500.py, in the small world with
lists that repeat a form on each row: two placements on one line, each with its end form, and
a person with two consents, each with its withdrawal form, and an open pause.
"""
from datetime import date

import pytest

from compliance.models import Consent, Pause
from extensions import db
from tests import factories
from tests.markup import problems_of

from .test_no_500 import ROLE_OF, Walker


def test_the_checker_finds_each_kind_of_problem():
    page = ('<p id="a"></p><p id="a"></p><input name="x" aria-describedby="gone">'
            '<label for="y">Y</label><input id="y" name="y"><label>Z <input name="z"></label>'
            '<select name="s" aria-label="S"></select><textarea name="t"></textarea>'
            '<div class="invalid-feedback">no id</div><div class="invalid-feedback" id="m">'
            'named by nothing</div>')
    assert problems_of(page) == [
        'id "a" is used 2 times', 'aria-describedby names "gone", which is not on the page',
        "<input name='x' id=None> has no label", "<textarea name='t' id=None> has no label",
        "a field message has no id: no field can name it",
        'the field message "m" is named by no aria-describedby']


@pytest.fixture
def repeated_forms(world):
    """Lists with a form on every row, in inspector_a's and owner_a's scope."""
    second = factories.line(world.sme_a, world.facility_a, lease=world.lease_a, title="Цех 2")
    other = factories.person(world.facility_a, last_name="Бекова", first_name="Айгуль")
    factories.consents([world.person_a, other], [world.line_a, second])
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2021, 2, 1))
    factories.placement(other, world.line_a, started_on=date(2021, 2, 1))
    db.session.add(Pause(placement_id=placement.id, kind="sick",
                         started_on=date(2021, 3, 1)))
    db.session.commit()
    assert db.session.query(Consent).filter_by(person_id=world.person_a.id).count() == 2
    return world


@pytest.mark.parametrize("login", [None, *ROLE_OF])
def test_every_page_is_markup_a_screen_reader_can_follow(app, client, repeated_forms, login):
    walker = Walker(app, client, repeated_forms, login)
    walker.sign_in()
    found = {f"{endpoint} ({url}): {problem}"
             for endpoint, url, html in walker.pages() for problem in problems_of(html)}
    assert not found, f"{len(found)} problems:\n" + "\n".join(sorted(found))
