"""Fixed demo vocabularies: targets of the letter, the facility layout and the productions."""
from datetime import date

# The day the letter's figures describe (DESIGN.md section 8).
D = date(2021, 7, 1)
# Placements are simulated from this day; wages are recorded from WAGES_FROM.
PLACEMENTS_FROM = date(2020, 1, 1)
WAGES_FROM = date(2020, 7, 1)

# Exact figures on D at scale 1 (people figures are multiplied by people_factor in tests).
TARGETS = {
    "in_custody": 29061, "able_bodied": 22474, "state_branch": 3970, "sme": 3548,
    "facility_service": 3494, "new_employed": 851, "no_work_with_minors": 1854,
}
SMES_ENGAGED = 243
NEW_SMES = 89
AREA_LEASED = 75874
BRANCHES = 17
WORKSHOP_HEADCOUNT = 120
WORKSHOP_EMPLOYED = 84
# People on probation in Astana on D, and how many of them the workshop employs then: with
# its 84 convicts, 108 of its 120 places. They are not in custody, so no letter figure moves.
PROBATION_CLIENTS = 40
WORKSHOP_PROBATION = 24
WORKSHOP_LEAVERS_MONTHS = 12
FORMER_SMES = 10   # left before D
LATE_SMES = 36     # joined after D

# Facilities per region (70 in all); Astana and Karaganda lead with several colonies.
REGION_FACILITIES = {
    "KZ-10": 3, "KZ-11": 5, "KZ-15": 3, "KZ-19": 3, "KZ-23": 2, "KZ-27": 3, "KZ-31": 4,
    "KZ-33": 2, "KZ-35": 7, "KZ-39": 4, "KZ-43": 3, "KZ-47": 2, "KZ-55": 5, "KZ-59": 4,
    "KZ-61": 3, "KZ-62": 2, "KZ-63": 5, "KZ-71": 4, "KZ-75": 4, "KZ-79": 2,
}
# Departmental prefixes used in the facilities' names («Учреждение ЕЦ-166/11»).
REGION_PREFIX = {
    "KZ-10": "ОВ-156", "KZ-11": "ЕЦ-166", "KZ-15": "ГМ-172", "KZ-19": "ЛА-155", "KZ-23": "УГ-157",
    "KZ-27": "ОА-154", "KZ-31": "ЖД-158", "KZ-33": "ЖТ-159", "KZ-35": "АК-159", "KZ-39": "КА-162",
    "KZ-43": "КЗ-163", "KZ-47": "ЖШ-171", "KZ-55": "АП-162", "KZ-59": "ЕС-164", "KZ-61": "ЮК-161",
    "KZ-62": "УЛ-170", "KZ-63": "ОВ-157", "KZ-71": "ЕЦ-166", "KZ-75": "ЛА-161", "KZ-79": "ШМ-168",
}
# Security level by position inside a region; position 3 is the pre-trial centre.
LEVEL_CYCLE = ("medium", "minimum", "maximum", "full", "minimum", "extreme", "mixed")
ASTANA_LEVELS = ("minimum", "minimum", "medium", "full")
PRE_TRIAL_POSITION = 3
# Branches of «Еңбек-Өскемен» work in the east; the others belong to «Еңбек».
OSKEMEN_REGIONS = ("KZ-63", "KZ-10")

# Productions: key -> (Russian line title, ISCO codes, space kind, relative lease area).
PRODUCTIONS = {
    "concrete": ("Цех железобетонных изделий", ("7114", "8114", "9312"), "yard", 2.0),
    "building": ("Производство кирпича и пеноблоков", ("7112", "8114", "8181", "9313"),
                 "workshop", 1.6),
    "bins": ("Изготовление мусорных баков", ("7213", "7212", "8121"), "workshop", 1.0),
    "sewing": ("Швейный цех", ("8153", "7533", "7531", "7532"), "workshop", 0.8),
    "canteen": ("Оборудование для столовых", ("7212", "7213", "7223"), "workshop", 1.0),
    "smoking": ("Копчение мясной продукции", ("7511", "8160"), "workshop", 0.7),
    "canning": ("Консервирование сельхозпродукции", ("7514", "8160", "9321"), "warehouse", 0.9),
    "wood": ("Деревообработка и мебель", ("7522", "7523", "7115", "8172"), "workshop", 1.1),
    "metal": ("Металлические двери и ограждения", ("7212", "7214", "7222"), "workshop", 1.1),
    "farm": ("Растениеводство", ("6111", "9211", "8341"), "farm_land", 4.0),
    "packing": ("Фасовка и складская логистика", ("9321", "9333", "4321"), "warehouse", 0.9),
}
SME_PRODUCTIONS = ("concrete", "building", "bins", "sewing", "canteen", "smoking", "canning",
                   "wood", "metal", "farm", "packing")
BRANCH_PRODUCTIONS = ("sewing", "metal", "wood", "building", "concrete", "farm")
SERVICES = {
    "cooking": ("Пищеблок", ("5120", "9412")),
    "laundry": ("Прачечная", ("8157", "9121")),
    "cleaning": ("Уборка и благоустройство", ("9112", "5153", "9613")),
    "repairs": ("Ремонтная служба", ("7126", "7411", "7231", "9622")),
    "farming": ("Подсобное хозяйство", ("6111", "6121", "9213")),
    "bakery": ("Пекарня", ("7512", "9412")),
}
WORKSHOP = ("Экспериментальный швейный цех, г. Астана", ("8153", "7533", "7532"))
SPACE_NAMES = {"workshop": "Цех", "warehouse": "Склад", "yard": "Площадка",
               "farm_land": "Земельный участок"}
EDUCATION = (("none", 2), ("primary", 5), ("basic_secondary", 25), ("general_secondary", 45),
             ("vocational", 18), ("higher", 5))
