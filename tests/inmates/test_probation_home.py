"""The probation officer's home: its clients, those working, the requests waiting and the
open lines of its region that take people on probation."""
from datetime import date

from sqlalchemy import select

import timeutil
from extensions import db
from inmates.models import Supervision
from marketplace.models import CandidateRequest
from marketplace.placements import start_placement
from tests import factories
from tests.factories import PASSWORD


def test_officer_home_counts_its_clients_and_lists_the_lines_open_to_them(client, world):
    workshop = factories.line(world.sme_a, None, headcount=4, title="Тігін шеберханасы",
                              open_to_probation=True)
    factories.line(world.sme_a, None, headcount=9, title="Закрытый для пробации")
    factories.line(world.sme_b, None, headcount=6, title="Цех Караганды", region_code="KZ-35",
                   open_to_probation=True)
    service = factories.probation_service("KZ-71")
    working = factories.client(service, ends_on=date(2030, 1, 1))
    idle = factories.client(service, ends_on=date(2030, 1, 1))
    former = factories.client(service, last_name="Бывший")
    db.session.scalars(select(Supervision).where(
        Supervision.person_id == former.id)).one().ended_on = date(2022, 1, 15)
    former.custody_status = "released"
    factories.client(factories.probation_service("KZ-35"))  # another region's service
    factories.consent(working, workshop)
    db.session.commit()
    start_placement(working.id, workshop.id, timeutil.today())
    db.session.add(CandidateRequest(line_id=workshop.id, person_id=idle.id,
                                    requested_by_id=world.users.owner_a.id))
    db.session.commit()
    assert client.post("/login", data={"login": "probation_a",
                                       "password": PASSWORD}).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Clients under supervision: 2" in home
    assert "Clients working: 1" in home
    assert "Candidate requests waiting: 1" in home
    assert "Тігін шеберханасы" in home
    assert "Закрытый для пробации" not in home and "Цех Караганды" not in home
    assert "Open lines: 1, vacant places: 3" in home
    assert world.line_a.title not in home  # a line inside a facility
