"""Routes of inmates/: the roster, person records, skills, release, transfer and import."""
STAFF = {"admin", "inspector"}

ROUTES = {
    "marketplace.roster": STAFF,
    "inmates.person": STAFF,
    "inmates.person_new": STAFF,
    "inmates.person_edit": STAFF,
    "inmates.person_release": STAFF,
    "inmates.person_transfer": STAFF,
    "inmates.release_correct": STAFF,
    "inmates.transfer_correct": STAFF,
    "inmates.skill_new": STAFF,
    "inmates.skill_edit": STAFF,
    "inmates.skill_remove": STAFF,
    "inmates.import_template": STAFF,
    "inmates.import_upload": STAFF,
    "inmates.import_confirm": STAFF,
}

PARAMS = {"skill_id": lambda world: world.person_a.skills[0].id}
