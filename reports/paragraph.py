"""The ready paragraph of figures for letters, in Russian and in Kazakh.

The texts mirror the ministry's 2021 letter (shared/seeds), whatever the UI language: the
Russian paragraph is always Russian and the Kazakh one always Kazakh. Rounding follows the
letter: the employed as "свыше 11 тыс." / "11 мыңнан астам", the rate in whole percent, other
counts exact ("3 970"), floor space in whole square metres ("75 874 кв.м.").
"""

RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")
# The locative-attributive form the letter uses: "2021 жылғы 17 маусымдағы".
KK_MONTHS = ("қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы",
             "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы",
             "желтоқсандағы")
SMALL = 5  # counts under this are not written out when suppression applies


def grouped(value):
    """Write an integer with a space between thousands, as the letter does: 75 874."""
    return f"{int(round(value)):,}".replace(",", " ")


def plural_ru(n, one, few, many):
    """Choose the Russian form agreeing with the number n."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _count(n, suppress, small_text):
    """A count as the letter writes it, or 'fewer than 5' when it must be hidden."""
    if suppress and 0 < n < SMALL:
        return small_text
    return grouped(n)


def _employed_ru(n):
    if n >= 1000:
        thousands = n // 1000
        return f"свыше {thousands} тыс." if n % 1000 else f"{thousands} тыс."
    return grouped(n)


def _employed_kk(n):
    if n >= 1000:
        thousands = n // 1000
        return f"{thousands} мыңнан астам" if n % 1000 else f"{thousands} мың"
    return grouped(n)


def _percent(rate):
    return "0%" if rate is None else f"{round(rate * 100):.0f}%"


def russian(figures, suppress=False):
    """Return the Russian paragraph for the figures of ``paragraph_figures``."""
    f = figures
    count = lambda n: _count(n, suppress, "менее 5")  # noqa: E731
    on = f["on"]
    place = f"в учреждениях УИС{' (' + f['place_ru'] + ')' if f.get('place_ru') else ''}"
    employed = f["employed"]
    employed_text = "менее 5" if suppress and 0 < employed < SMALL else _employed_ru(employed)
    branches, smes, new = f["branches_engaged"], f["smes_engaged"], f["new_enterprises"]
    parts = [
        f"По состоянию на {on.day} {RU_MONTHS[on.month - 1]} {on.year} года {place} "
        f"на оплачиваемых работах трудоустроено {employed_text} "
        f"{plural_ru(employed if employed < 1000 else 5, 'осужденный', 'осужденных', 'осужденных')}"
        f" или {_percent(f['rate'])} от их трудоспособной численности "
        f"(содержится {count(f['in_custody'])}, из них трудоспособных {count(f['able_bodied'])}).",
        "Производственная деятельность в сфере УИС осуществляется РГП «Еңбек» и «Еңбек-Оскемен»"
        f", включающими в свою структуру {count(branches)} "
        f"{plural_ru(branches, 'филиал', 'филиала', 'филиалов')}, где трудоустроено "
        f"{count(f['state_branch'])} "
        f"{plural_ru(f['state_branch'], 'человек', 'человека', 'человек')}.",
        f"На сегодняшний день {plural_ru(smes, 'привлечен', 'привлечено', 'привлечено')} "
        f"{count(smes)} "
        f"{plural_ru(smes, 'субъект', 'субъекта', 'субъектов')} малого и среднего бизнеса "
        f"(передано {grouped(f['area_leased_m2'])} кв.м.), на предприятиях которых "
        f"трудоустроено {count(f['sme'])} "
        f"{plural_ru(f['sme'], 'осуждённый', 'осуждённых', 'осуждённых')}.",
        f"С начала года {plural_ru(new, 'открыл', 'открыли', 'открыли')} свое производство "
        f"{count(new)} "
        f"{plural_ru(new, 'субъект', 'субъекта', 'субъектов')} предпринимательства, где "
        f"{plural_ru(f['new_employed'], 'трудоустроен', 'трудоустроено', 'трудоустроено')} "
        f"{count(f['new_employed'])} "
        f"{plural_ru(f['new_employed'], 'осуждённый', 'осуждённых', 'осуждённых')}.",
        "На работах по хозяйственному обслуживанию учреждений трудоустроено "
        f"{count(f['facility_service'])} "
        f"{plural_ru(f['facility_service'], 'осуждённый', 'осуждённых', 'осуждённых')}.",
    ]
    return " ".join(parts)


def kazakh(figures, suppress=False):
    """Return the Kazakh paragraph for the figures of ``paragraph_figures``."""
    f = figures
    count = lambda n: _count(n, suppress, "5-тен аз")  # noqa: E731
    on = f["on"]
    place = f"ҚАЖ мекемелерінде{' (' + f['place_kk'] + ')' if f.get('place_kk') else ''}"
    employed = f["employed"]
    employed_text = "5-тен аз" if suppress and 0 < employed < SMALL else _employed_kk(employed)
    parts = [
        f"{on.year} жылғы {on.day} {KK_MONTHS[on.month - 1]} жағдай бойынша {place} "
        f"{employed_text} сотталған немесе олардың еңбекке жарамды санының "
        f"{_percent(f['rate'])} ақылы жұмысқа орналастырылды (жазасын өтеп жатқандар – "
        f"{count(f['in_custody'])}, оның ішінде еңбекке жарамдылар – {count(f['able_bodied'])}).",
        f"ҚАЖ саласындағы өндірістік қызметті құрамына {count(f['branches_engaged'])} филиал "
        "кіретін «Еңбек» және «Еңбек-Өскемен» РМК жүзеге асырады, онда "
        f"{count(f['state_branch'])} адам жұмысқа орналастырылған.",
        f"Бүгінгі күні {count(f['smes_engaged'])} шағын және орта бизнес субъектісі тартылып "
        f"({grouped(f['area_leased_m2'])} шаршы метр жер көлемі берілді), кәсіпорындарда "
        f"{count(f['sme'])} сотталған жұмысқа орналастырылды.",
        f"Жыл басынан бері {count(f['new_enterprises'])} кәсіпкерлік субъектісі өз өндірісін "
        f"ашып, онда {count(f['new_employed'])} сотталған жұмысқа орналастырылды.",
        f"Мекемелерді шаруашылық қызмет көрсету жұмыстарына {count(f['facility_service'])} "
        "сотталған орналастырылды.",
    ]
    return " ".join(parts)


def paragraph_figures(stats, place_kk=None, place_ru=None):
    """Collect the figures the paragraphs state from a ``statistics.Statistics``."""
    by_kind = {row["key"]: row["employed"] for row in stats.breakdowns["employer_kind"]}
    return {"on": stats.on, "place_kk": place_kk, "place_ru": place_ru,
            **stats.headline, **stats.enterprises,
            "state_branch": by_kind.get("state_branch", 0), "sme": by_kind.get("sme", 0),
            "facility_service": by_kind.get("facility_service", 0)}


def paragraphs(stats, place_kk=None, place_ru=None, suppress=False):
    """Return {'kk': text, 'ru': text} for the statistics of one date and scope."""
    figures = paragraph_figures(stats, place_kk, place_ru)
    return {"kk": kazakh(figures, suppress), "ru": russian(figures, suppress)}
