"""The demo users: who they are, their passwords and where their scope lies.

Passwords are public on purpose (demo only); ``scope`` names the place the generator picks.
"""
URL = "http://127.0.0.1:5000"

DEMO_USERS = (
    {"login": "admin", "password": "Ministry-Astana-2021!", "role": "admin",
     "full_name": "Демо Администратор", "scope": "whole country",
     "place": None},
    {"login": "analyst", "password": "Figures-Letter-2021!", "role": "analyst",
     "full_name": "Демо Аналитик", "scope": "whole country", "place": None},
    {"login": "analyst.kz35", "password": "Karaganda-Figures-2021!", "role": "analyst",
     "full_name": "Демо Аналитик Караганда", "scope": "Karaganda Region (KZ-35)",
     "place": "region_kz35"},
    {"login": "inspector", "password": "Roster-Astana-2021!", "role": "inspector",
     "full_name": "Демо Инспектор", "scope": "minimum-security facility KZ71-01, Astana",
     "place": "astana_facility"},
    {"login": "inspector2", "password": "Roster-Karaganda-2021!", "role": "inspector",
     "full_name": "Демо Инспектор Караганда", "scope": "a facility of Karaganda Region",
     "place": "karaganda_facility"},
    {"login": "owner", "password": "Sewing-Workshop-2021!", "role": "owner",
     "full_name": "Демо Предприниматель", "scope": "an SME leasing space in KZ71-01",
     "place": "owner_sme"},
    {"login": "branch", "password": "Enbek-Factory-2021!", "role": "owner",
     "full_name": "Демо Директор филиала", "scope": "the «Еңбек» branch in KZ71-01",
     "place": "astana_branch"},
    {"login": "probation", "password": "Probation-Astana-2021!", "role": "probation_officer",
     "full_name": "Демо Инспектор пробации", "scope": "the probation service of Astana",
     "place": "astana_probation"},
)
