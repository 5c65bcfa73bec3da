"""The ready paragraph of figures for letters, in Russian and in Kazakh.

The texts mirror the ministry's 2021 letter (shared/seeds) and are always Russian and Kazakh,
whatever the UI language. Their sentences are catalogue messages (msgctxt "letter paragraph"),
so a translator words them in the .po files; every noun or verb that agrees with a count goes
through the catalogue's plural rule (ngettext). Rounding follows the letter: the employed as
"свыше 11 тыс." / "11 мыңнан астам", the rate in whole percent, other counts exact ("3 970"),
floor space in whole square metres ("75 874 кв.м.").

With disclosure control (reports/disclosure.py) the paragraph states the figures as the
tables show them: a count of 1 to 4 people reads "менее пяти" / "бестен аз", a count hidden
to protect another (5 or more) reads "нераскрываемое число" / "жарияланбайтын сан", the noun
and verb agreeing with five; the rate is left out when either of its counts is hidden. A
hidden value is never written next to its true value. Counts of enterprises and areas are
not personal and are always written out.
"""
from babel.numbers import get_group_symbol
from flask_babel import (force_locale, format_date, format_decimal, format_percent, get_locale,
                         npgettext, pgettext)

from .disclosure import COMPLEMENTARY, SUPPRESSED

SMALL = 5  # counts of people under this are not written out when suppression applies

# The Kazakh letter's date, "2021 жылғы 17 маусымдағы": the month takes the
# locative-attributive form, which Babel's month names do not have. Only the Kazakh paragraph
# uses these; the Russian date comes from Babel ("1 июля 2021").
KK_DATES = (
    lambda: pgettext("letter date", "%(day)s January %(year)s"),
    lambda: pgettext("letter date", "%(day)s February %(year)s"),
    lambda: pgettext("letter date", "%(day)s March %(year)s"),
    lambda: pgettext("letter date", "%(day)s April %(year)s"),
    lambda: pgettext("letter date", "%(day)s May %(year)s"),
    lambda: pgettext("letter date", "%(day)s June %(year)s"),
    lambda: pgettext("letter date", "%(day)s July %(year)s"),
    lambda: pgettext("letter date", "%(day)s August %(year)s"),
    lambda: pgettext("letter date", "%(day)s September %(year)s"),
    lambda: pgettext("letter date", "%(day)s October %(year)s"),
    lambda: pgettext("letter date", "%(day)s November %(year)s"),
    lambda: pgettext("letter date", "%(day)s December %(year)s"),
)


def grouped(value):
    """Write a whole number as the letter does, in the current locale: "75 874"."""
    text = format_decimal(int(round(value)))
    # CLDR separates thousands with a no-break space in ru and kk; the letter, with a space.
    symbol = get_group_symbol(get_locale())
    return text.replace(symbol, " ") if symbol.isspace() else text


def _percent(rate):
    return format_percent(rate or 0, "#0%")


def _people(count, suppress):
    """Return (text, the number the text states) for a count of people."""
    if count == COMPLEMENTARY:
        return pgettext("letter paragraph", "an undisclosed number of"), SMALL
    if count == SUPPRESSED or (suppress and 0 < count < SMALL):
        # The noun and the verb then agree with the numeral written: five.
        return pgettext("letter paragraph", "fewer than five"), SMALL
    return grouped(count), count


def _employed(count):
    """Return (text, the number the text states) for the employed, rounded as the letter does."""
    if count < 1000:
        return grouped(count), count
    thousands = grouped(count // 1000)
    if count % 1000:
        text = pgettext("letter paragraph", "over %(thousands)s thousand", thousands=thousands)
    else:
        text = pgettext("letter paragraph", "%(thousands)s thousand", thousands=thousands)
    return text, count // 1000 * 1000


def _convicts_employed(count, suppress):
    text, n = _people(count, suppress)
    return npgettext("letter paragraph", "%(count)s convict is employed",
                     "%(count)s convicts are employed", n, count=text)


def _employment(f, date, place, suppress):
    in_custody = _people(f["in_custody"], suppress)[0]
    able_bodied = _people(f["able_bodied"], suppress)[0]
    hidden = [value for value in (f["employed"], f["able_bodied"])
              if value in (SUPPRESSED, COMPLEMENTARY) or (suppress and 0 < value < SMALL)]
    if hidden:
        # The rate would give the hidden count away: the sentence goes without it.
        return pgettext(
            "letter paragraph",
            "As of %(date)s, %(employed)s convicts in the penal system's facilities%(place)s "
            "are in paid work (in custody: %(in_custody)s, of them able-bodied: "
            "%(able_bodied)s).",
            date=date, place=place, employed=_people(f["employed"], suppress)[0],
            in_custody=in_custody, able_bodied=able_bodied)
    employed, n = _employed(f["employed"])
    return npgettext(
        "letter paragraph",
        "As of %(date)s, %(count)s convict in the penal system's facilities%(place)s is in paid "
        "work, or %(rate)s of the able-bodied (in custody: %(in_custody)s, of them able-bodied: "
        "%(able_bodied)s).",
        "As of %(date)s, %(count)s convicts in the penal system's facilities%(place)s are in paid "
        "work, or %(rate)s of the able-bodied (in custody: %(in_custody)s, of them able-bodied: "
        "%(able_bodied)s).",
        n, date=date, place=place, count=employed, rate=_percent(f["rate"]),
        in_custody=in_custody, able_bodied=able_bodied)


def _state_enterprise(f, suppress):
    branches = f["branches_engaged"]
    people, n = _people(f["state_branch"], suppress)
    return pgettext(
        "letter paragraph",
        "Production in the penal system is run by the state enterprises Enbek and "
        "Enbek-Oskemen, which comprise %(branches)s, where %(employed)s.",
        branches=npgettext("letter paragraph", "%(count)s branch", "%(count)s branches",
                           branches, count=grouped(branches)),
        employed=npgettext("letter paragraph", "%(count)s person is employed",
                           "%(count)s people are employed", n, count=people))


def _smes(f, suppress):
    smes = f["smes_engaged"]
    return pgettext(
        "letter paragraph",
        "To date %(smes)s (%(area)s m² of floor space handed over), and at their enterprises "
        "%(employed)s.",
        smes=npgettext("letter paragraph",
                       "%(count)s small or medium business has been brought in",
                       "%(count)s small and medium businesses have been brought in",
                       smes, count=grouped(smes)),
        area=grouped(f["area_leased_m2"]), employed=_convicts_employed(f["sme"], suppress))


def _new_productions(f, suppress):
    new = f["new_enterprises"]
    return pgettext(
        "letter paragraph", "Since the start of the year %(new)s, where %(employed)s.",
        new=npgettext("letter paragraph", "%(count)s business has opened its own production",
                      "%(count)s businesses have opened their own production",
                      new, count=grouped(new)),
        employed=_convicts_employed(f["new_employed"], suppress))


def _facility_service(f, suppress):
    people, n = _people(f["facility_service"], suppress)
    return npgettext(
        "letter paragraph", "%(count)s convict is employed in the upkeep of the facilities.",
        "%(count)s convicts are employed in the upkeep of the facilities.", n, count=people)


def _paragraph(f, date, place, suppress):
    """Return the paragraph in the current (forced) locale."""
    place = f" ({place})" if place else ""
    return " ".join((_employment(f, date, place, suppress), _state_enterprise(f, suppress),
                     _smes(f, suppress), _new_productions(f, suppress),
                     _facility_service(f, suppress)))


def russian(figures, suppress=False):
    """Return the Russian paragraph for the figures of ``paragraph_figures``."""
    with force_locale("ru"):
        date = format_date(figures["on"], "d MMMM y")
        return _paragraph(figures, date, figures.get("place_ru"), suppress)


def kazakh(figures, suppress=False):
    """Return the Kazakh paragraph for the figures of ``paragraph_figures``."""
    on = figures["on"]
    with force_locale("kk"):
        date = KK_DATES[on.month - 1]() % {"day": on.day, "year": on.year}
        return _paragraph(figures, date, figures.get("place_kk"), suppress)


def paragraph_figures(stats, place_kk=None, place_ru=None):
    """Collect the figures the paragraphs state from a ``statistics.Statistics``."""
    by_kind = {row["key"]: row["employed"] for row in stats.breakdowns["employer_kind"]}
    return {"on": stats.on, "place_kk": place_kk, "place_ru": place_ru,
            **stats.headline, **stats.enterprises,
            "state_branch": by_kind.get("state_branch", 0), "sme": by_kind.get("sme", 0),
            "facility_service": by_kind.get("facility_service", 0)}


def paragraphs(stats, place_kk=None, place_ru=None, suppress=False, shown=None):
    """Return {'kk': text, 'ru': text} for the statistics of one date and scope; ``shown``
    (headline, breakdowns, enterprises as disclosure.protect gives them) states the figures
    as the tables show them."""
    figures = paragraph_figures(stats, place_kk, place_ru)
    if shown is not None:
        headline, breakdowns, enterprises = shown
        by_kind = {row["key"]: row["employed"] for row in breakdowns["employer_kind"]}
        figures.update(headline, **enterprises, **by_kind)
    return {"kk": kazakh(figures, suppress), "ru": russian(figures, suppress)}
