"""People on probation in Astana for the demo (DESIGN.md section 8): under the supervision of
the city's probation service, half released from KZ71-01 and passed to probation, half
sentenced without custody; some work on the Astana sewing workshop beside its convicts.

Nobody here is in custody on D (the released left before it), so the letter's figures stay
exactly as they are. The people come from their own random stream, so the rest of the country
is drawn as before. Every supervision runs past today: the demo's people on probation are
all still supervised.
"""
import random

from .careers import D
from .names import person_name
from .util import INF, as_date, uniform_day

SKILLS = ("8153", "7533", "7531", "7532")  # the workshop's occupations


class Probation:
    """People on probation of a Population: mixed into it, sharing its state."""

    def _probation_clients(self):
        country = self.country
        service_id = country.probation_services.get("KZ-71")
        if service_id is None or not country.probation_clients:
            return
        rng = random.Random(f"probation-{country.copy}")
        workshop, facility = country.workshop, country.astana_minimum[0]
        for index in range(country.probation_clients):
            released = index % 2 == 0
            gender = "F" if rng.random() < 0.3 else "M"
            person = self._client(rng, gender, facility if released else None)
            if released:
                admitted = D - rng.randrange(900, 2500)
                start = D - rng.randrange(30, 400)
                person["admitted_on"] = as_date(admitted)
                person["expected_release_on"] = person["released_on"] = as_date(start)
                self.stays.append(self._stay(person, facility, admitted, start, "released"))
            else:
                start = D - rng.randrange(20, 500)
            self.supervisions.append({
                "id": country.ids["supervision"].next(), "person_id": person["id"],
                "service_id": service_id,
                "kind": "after_release" if released else "non_custodial",
                "started_on": as_date(start), "ends_on": as_date(self.today + rng.randrange(90, 900)),
                "ended_on": None, "barred_group": "83" if rng.random() < 0.1 else None,
                "restrictions_note": None})
            for code in rng.sample(SKILLS, rng.choice((1, 1, 2))):
                self.skills.append({
                    "id": country.ids["skill"].next(), "person_id": person["id"],
                    "occupation_code": code, "level": rng.choice(("trainee", "qualified")),
                    "years_experience": rng.randrange(0, 8), "certified": rng.random() < 0.2})
            if index < country.workshop_probation:
                begin = uniform_day(rng, max(workshop["_open"], start + 5), D - 1)
                self._place(person, workshop, begin, INF, None)

    def _client(self, rng, gender, facility):
        """A person on probation (born 20 to 50 years before D), able to work."""
        last, first, patronymic = person_name(rng, gender)
        born = as_date(D - rng.randrange(20 * 365, 50 * 365))
        person = {
            "id": self.country.ids["person"].next(), "last_name": last, "first_name": first,
            "patronymic": patronymic, "gender": gender, "birth_on": born,
            "iin": self.country.identifiers.iin(born, gender),
            "facility_id": facility["id"] if facility else None, "admitted_on": None,
            "expected_release_on": None, "released_on": None, "custody_status": "on_probation",
            "able_bodied": True, "disability_group": None, "education_level": "general_secondary",
            "no_work_with_minors": False, "no_outside_work": False, "version_id": 1,
            "_first_line": None}
        person["file_number"] = f"ПР-{person['id']:07d}"
        self.persons.append(person)
        return person
