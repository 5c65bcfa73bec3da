"""The letter paragraph through the catalogue: the letter's sentences, plural rules, suppression."""
import pathlib
import re
from datetime import date
from gettext import c2py

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from flask_babel import get_locale

import app as application
from reports import statistics as st
from reports.paragraph import kazakh, russian
from reports.services import build_report
from tests import factories

TRANSLATIONS = pathlib.Path(application.__file__).resolve().parent / "translations"

LETTER = {"on": date(2021, 7, 1), "place_kk": None, "place_ru": None, "in_custody": 29061,
          "able_bodied": 22474, "employed": 11012, "rate": 11012 / 22474,
          "branches_engaged": 17, "state_branch": 3970, "smes_engaged": 243,
          "area_leased_m2": 75874.0, "sme": 3548, "new_enterprises": 89, "new_employed": 851,
          "facility_service": 3494}

# The letter's sentences (shared/seeds, 2021), with the date, the figures' definitions in
# brackets and the facility services sentence that the letter does not have.
RUSSIAN = (
    "По состоянию на 1 июля 2021 года в учреждениях УИС на оплачиваемых работах трудоустроено "
    "свыше 11 тыс. осужденных или 49% от их трудоспособной численности (содержится 29 061, из "
    "них трудоспособных 22 474). "
    "Производственная деятельность в сфере УИС осуществляется РГП «Еңбек» и «Еңбек-Оскемен», "
    "включающими в свою структуру 17 филиалов, где трудоустроено 3 970 человек. "
    "На сегодняшний день привлечено 243 субъекта малого и среднего бизнеса (передано 75 874 "
    "кв.м.), на предприятиях которых трудоустроено 3 548 осуждённых. "
    "С начала года открыли свое производство 89 субъектов предпринимательства, где трудоустроен "
    "851 осуждённый. "
    "На работах по хозяйственному обслуживанию учреждений трудоустроено 3 494 осуждённых.")
KAZAKH = (
    "2021 жылғы 1 шілдедегі жағдай бойынша ҚАЖ мекемелерінде 11 мыңнан астам сотталған немесе "
    "олардың еңбекке жарамды санының 49% ақылы жұмысқа орналастырылды (жазасын өтеп жатқандар – "
    "29 061, оның ішінде еңбекке жарамдылар – 22 474). "
    "ҚАЖ саласындағы өндірістік қызметті құрамына 17 филиал кіретін «Еңбек» және «Еңбек-Өскемен» "
    "РМК жүзеге асырады, онда 3 970 адам жұмысқа орналастырылған. "
    "Бүгінгі күні 243 шағын және орта бизнес субъектісі тартылып (75 874 шаршы метр жер көлемі "
    "берілді), кәсіпорындарда 3 548 сотталған жұмысқа орналастырылды. "
    "Жыл басынан бері 89 кәсіпкерлік субъектісі өз өндірісін ашып, онда 851 сотталған жұмысқа "
    "орналастырылды. "
    "Мекемелерді шаруашылық қызмет көрсету жұмыстарына 3 494 сотталған орналастырылды.")


def test_the_national_paragraph_reads_as_the_letter(app):
    assert russian(LETTER) == RUSSIAN
    assert kazakh(LETTER) == KAZAKH
    # Suppression never touches national figures of that size.
    assert russian(LETTER, suppress=True) == RUSSIAN and kazakh(LETTER, suppress=True) == KAZAKH


def test_the_paragraphs_are_russian_and_kazakh_whatever_the_ui_language(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(get_locale()) == "en"
        assert russian(LETTER) == RUSSIAN and kazakh(LETTER) == KAZAKH
        assert str(get_locale()) == "en"


# n, then the Russian forms the letter's grammar asks for: one (1, 21, 101), few (2, 22),
# many (5, 11, 25, 111).
RUSSIAN_FORMS = [
    (1, "one"), (2, "few"), (5, "many"), (11, "many"), (21, "one"), (22, "few"), (25, "many"),
    (101, "one"), (111, "many"),
]
PHRASES = {
    "branches_engaged": {"one": "структуру {n} филиал,", "few": "структуру {n} филиала,",
                         "many": "структуру {n} филиалов,"},
    "state_branch": {"one": "где трудоустроен {n} человек.", "few": "где трудоустроено {n} человека.",
                     "many": "где трудоустроено {n} человек."},
    "smes_engaged": {"one": "привлечен {n} субъект малого", "few": "привлечено {n} субъекта малого",
                     "many": "привлечено {n} субъектов малого"},
    "sme": {"one": "которых трудоустроен {n} осуждённый.",
            "few": "которых трудоустроено {n} осуждённых.",
            "many": "которых трудоустроено {n} осуждённых."},
    "new_enterprises": {"one": "открыл свое производство {n} субъект предпринимательства",
                        "few": "открыли свое производство {n} субъекта предпринимательства",
                        "many": "открыли свое производство {n} субъектов предпринимательства"},
    "new_employed": {"one": "где трудоустроен {n} осуждённый.",
                     "few": "где трудоустроено {n} осуждённых.",
                     "many": "где трудоустроено {n} осуждённых."},
    "facility_service": {"one": "учреждений трудоустроен {n} осуждённый.",
                         "few": "учреждений трудоустроено {n} осуждённых.",
                         "many": "учреждений трудоустроено {n} осуждённых."},
    "employed": {"one": "работах трудоустроен {n} осужденный или",
                 "few": "работах трудоустроено {n} осужденных или",
                 "many": "работах трудоустроено {n} осужденных или"},
}


@pytest.mark.parametrize("n, form", RUSSIAN_FORMS)
@pytest.mark.parametrize("key", sorted(PHRASES))
def test_russian_nouns_and_verbs_agree_with_the_count(app, key, n, form):
    text = russian(dict(LETTER, **{key: n}))
    assert PHRASES[key][form].format(n=n) in text


@pytest.mark.parametrize("n", [1, 2, 5, 21])
def test_kazakh_goes_through_its_plural_rule_with_one_noun_form(app, n):
    text = kazakh(dict(LETTER, branches_engaged=n, state_branch=n, smes_engaged=n))
    assert f"құрамына {n} филиал кіретін" in text and f"онда {n} адам жұмысқа" in text
    assert f"Бүгінгі күні {n} шағын және орта бизнес субъектісі тартылып" in text


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_catalogues_plural_rule_is_cldrs(lang):
    """The catalogue's Plural-Forms picks the form CLDR (Babel's locale data) names, for every n."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    rule = Locale.parse(lang).plural_form
    tags = [tag for tag in ("one", "two", "few", "many", "other") if tag in rule.tags | {"other"}]
    choose = c2py(catalog.plural_expr)
    assert [tags[choose(n)] for n in range(1201)] == [rule(n) for n in range(1201)]


def test_enterprise_counts_and_areas_are_never_suppressed(app):
    small = dict(LETTER, branches_engaged=1, smes_engaged=2, new_enterprises=4,
                 area_leased_m2=3.0, state_branch=0, sme=0, new_employed=0)
    ru, kk = russian(small, suppress=True), kazakh(small, suppress=True)
    assert "структуру 1 филиал," in ru and "привлечено 2 субъекта малого" in ru
    assert "открыли свое производство 4 субъекта предпринимательства" in ru
    assert "(передано 3 кв.м.)" in ru
    assert "құрамына 1 филиал кіретін" in kk and "Бүгінгі күні 2 шағын" in kk
    assert "Жыл басынан бері 4 кәсіпкерлік" in kk and "(3 шаршы метр" in kk
    assert "менее" not in ru and "бестен аз" not in kk


def test_a_suppressed_paragraph_says_fewer_than_five_in_agreement(app):
    tiny = dict(LETTER, on=date(2021, 7, 15), in_custody=4, able_bodied=4, employed=3, rate=0.75,
                state_branch=1, sme=2, new_employed=2, facility_service=0)
    ru, kk = russian(tiny, suppress=True), kazakh(tiny, suppress=True)
    assert ("на оплачиваемых работах трудоустроено менее пяти осужденных (содержится менее "
            "пяти, из них трудоспособных менее пяти).") in ru
    assert "где трудоустроено менее пяти человек." in ru
    assert "на предприятиях которых трудоустроено менее пяти осуждённых." in ru
    assert "где трудоустроено менее пяти осуждённых." in ru
    assert "учреждений трудоустроено 0 осуждённых." in ru
    assert ("ҚАЖ мекемелерінде бестен аз сотталған ақылы жұмысқа орналастырылды (жазасын өтеп "
            "жатқандар – бестен аз, оның ішінде еңбекке жарамдылар – бестен аз).") in kk
    assert "онда бестен аз адам жұмысқа орналастырылған." in kk
    # Neither the true small counts nor the rate that would reveal them.
    for text in (ru, kk):
        assert not re.search(r"(?<!\d)[1-4](?!\d)", text), text
        assert "%" not in text and "менее 5" not in text and "5-тен" not in text


def test_a_suppressed_regional_report_phrases_people_as_the_letter_would(app, world):
    people = [world.person_a] + [factories.person(world.facility_a) for _ in range(2)]
    for person in people:
        factories.placement(person, world.line_a)
    region = st.Scope(region_id=world.facility_a.region_id)
    report = build_report(on=date(2021, 7, 1), scope=region, suppress=True)
    ru, kk = report.paragraphs["ru"], report.paragraphs["kk"]
    assert "трудоустроено менее пяти осужденных (содержится" in ru
    assert "на предприятиях которых трудоустроено менее пяти осуждённых." in ru
    assert "привлечен 1 субъект малого и среднего бизнеса (передано 300 кв.м.)" in ru
    assert "бестен аз сотталған ақылы жұмысқа" in kk and "Бүгінгі күні 1 шағын" in kk
    for text in (ru, kk):
        assert not re.search(r"(?<!\d)3(?!\d)", text) and "<5" not in text
    # Unsuppressed (an administrator), the same report states the counts.
    shown = build_report(on=date(2021, 7, 1), scope=region, suppress=False).paragraphs["ru"]
    assert "трудоустроено 3 осужденных или" in shown


@pytest.mark.parametrize("on, kk, ru", [
    (date(2021, 7, 1), "2021 жылғы 1 шілдедегі", "1 июля 2021 года"),
    # The letter's own dates: "2021 жылғы 17 маусымдағы", "2005 жылғы 11 ақпандағы".
    (date(2021, 6, 17), "2021 жылғы 17 маусымдағы", "17 июня 2021 года"),
    (date(2005, 2, 11), "2005 жылғы 11 ақпандағы", "11 февраля 2005 года"),
    (date(2024, 9, 30), "2024 жылғы 30 қыркүйектегі", "30 сентября 2024 года"),
    (date(2025, 12, 31), "2025 жылғы 31 желтоқсандағы", "31 декабря 2025 года"),
])
def test_dates_read_as_in_the_letter(app, on, kk, ru):
    assert kazakh(dict(LETTER, on=on)).startswith(f"{kk} жағдай бойынша")
    assert russian(dict(LETTER, on=on)).startswith(f"По состоянию на {ru} в учреждениях")


def test_every_month_has_a_kazakh_date_form(app):
    forms = {kazakh(dict(LETTER, on=date(2021, month, 1))).split(" жағдай")[0]
             for month in range(1, 13)}
    assert len(forms) == 12 and all(form.startswith("2021 жылғы 1 ") for form in forms)
    assert all(form.endswith(("дағы", "дегі", "тағы", "тегі")) for form in forms)
