"""The one home of the words imports accept and templates write for coded values.

A template writes each coded value (a level, yes/no, a gender, an education level, a
restriction) as its label in the user's language; an import accepts the code itself or its
label in any language (kk, ru, en), case and spacing aside, plus a few common aliases.
"""
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

LANGUAGES = ("kk", "ru", "en")
YES_NO = {True: _l("yes"), False: _l("no")}


def fold(text):
    """Return a word as compared: spaces collapsed, case-folded."""
    return " ".join(str(text).split()).casefold()


def vocabulary(table, aliases=None):
    """Return {folded word: code} accepting each code and its label in every language."""
    words = {fold(code): code for code in table}
    for language in LANGUAGES:
        with force_locale(language):
            words.update({fold(label): code for code, label in table.items()})
    words.update({fold(alias): code for alias, code in (aliases or {}).items()})
    return words


def word(table, code):
    """Return a code's label in the current language (the code itself if unknown)."""
    label = table.get(code)
    return str(label) if label is not None else code


def yes_no(value):
    """Return yes or no in the current language."""
    return str(YES_NO[bool(value)])


def codes_section(table):
    """Return (word to write, also accepted) pairs for a template's codes sheet."""
    pairs = []
    for code, label in table.items():
        others = set()
        for language in LANGUAGES:
            with force_locale(language):
                others.add(str(label))
        others.discard(str(label))
        code_text = ("1" if code else "0") if isinstance(code, bool) else str(code)
        pairs.append((str(label), " / ".join(sorted(others) + [code_text])))
    return pairs
