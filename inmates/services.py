"""Domain functions for people, their skills, release and transfer; they flush, never commit."""
import hashlib
import hmac

from flask import current_app

from timeutil import months_between, today


def pseudonym(person_id, line_id):
    """Return a stable pseudonym for a person seen from one line, different for every line."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{person_id}:{line_id}".encode(), hashlib.sha256).hexdigest()
    return "К-" + digest[:6].upper()


def pseudonymous_profile(person, line_id, on=None):
    """Return what a business owner may see of a candidate: pseudonym, skills, months left.

    Nothing else leaves this function: no name, file number, IIN, birth date, gender,
    restrictions or facility history (DESIGN.md section 6).
    """
    on = on or today()
    return {
        "pseudonym": pseudonym(person.id, line_id),
        "skills": [{"occupation_code": s.occupation_code,
                    "occupation": s.occupation.title if s.occupation else s.occupation_code,
                    "level": s.level,
                    "years_experience": s.years_experience,
                    "certified": bool(s.certified)} for s in person.skills],
        "months_available": max(0, months_between(on, person.expected_release_on)),
    }
