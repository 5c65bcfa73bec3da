"""The letter paragraph in Russian and Kazakh, with the letter's rounding."""
from datetime import date

from flask_babel import force_locale

from reports.paragraph import grouped, kazakh, russian

LETTER = {"on": date(2021, 7, 1), "place_kk": None, "place_ru": None, "in_custody": 29061,
          "able_bodied": 22474, "employed": 11012, "rate": 11012 / 22474,
          "branches_engaged": 17, "state_branch": 3970, "smes_engaged": 243,
          "area_leased_m2": 75874.0, "sme": 3548, "new_enterprises": 89, "new_employed": 851,
          "facility_service": 3494, "services_engaged": 70}


def test_russian_mirrors_the_letter(app):
    text = russian(LETTER)
    assert ("в учреждениях УИС на оплачиваемых работах трудоустроено свыше 11 тыс. осужденных "
            "или 49% от их трудоспособной численности") in text
    assert "включающими в свою структуру 17 филиалов, где трудоустроено 3 970 человек." in text
    assert ("привлечено 243 субъекта малого и среднего бизнеса (передано 75 874 кв.м.), "
            "на предприятиях которых трудоустроено 3 548 осуждённых.") in text
    assert ("С начала года открыли свое производство 89 субъектов предпринимательства, где "
            "трудоустроен 851 осуждённый.") in text
    assert "3 494 осуждённых" in text
    assert text.startswith("По состоянию на 1 июля 2021 года")


def test_kazakh_mirrors_the_letter(app):
    text = kazakh(LETTER)
    assert ("ҚАЖ мекемелерінде 11 мыңнан астам сотталған немесе олардың еңбекке жарамды "
            "санының 49% ақылы жұмысқа орналастырылды") in text
    assert "құрамына 17 филиал кіретін «Еңбек» және «Еңбек-Өскемен» РМК" in text
    assert "онда 3 970 адам жұмысқа орналастырылған." in text
    assert "243 шағын және орта бизнес субъектісі тартылып (75 874 шаршы метр" in text
    assert "Жыл басынан бері 89 кәсіпкерлік субъектісі өз өндірісін ашып, онда 851 сотталған" in text
    assert text.startswith("2021 жылғы 1 шілдедегі жағдай бойынша")


def test_rounding_and_agreement(app):
    with force_locale("ru"):
        assert grouped(75874.4) == "75 874" and grouped(3970) == "3 970"
    small = dict(LETTER, employed=900, rate=0.456, smes_engaged=1, new_enterprises=21)
    text = russian(small)
    assert "трудоустроено 900 осужденных или 46%" in text
    assert "привлечен 1 субъект малого" in text and "открыл свое производство 21 субъект " in text
    exact = russian(dict(LETTER, employed=11000))
    assert "трудоустроено 11 тыс. осужденных" in exact


def test_suppressed_small_counts_and_place(app):
    tiny = dict(LETTER, employed=3, in_custody=4, able_bodied=4, rate=0.75, place_ru="город Астана",
                place_kk="Астана қаласы")
    assert "менее пяти" in russian(tiny, suppress=True) and "(город Астана)" in russian(tiny)
    assert "бестен аз" in kazakh(tiny, suppress=True)


def test_paragraphs_ignore_the_ui_language(world, client, auth):
    auth.login("admin")
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get("/reports/?on=2021-07-01").get_data(as_text=True)
    assert "на оплачиваемых работах трудоустроено" in html
    assert "ақылы жұмысқа орналастырылды" in html
