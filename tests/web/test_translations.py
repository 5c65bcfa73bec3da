"""The kk, ru and en catalogues are complete, match the code, and reach the rendered pages."""
import pathlib
import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("kk", "ru", "en")
# The same folders, config and extra keywords as `make extract-translations`.
IGNORED_DIRS = {".venv", "migrations", "tests", "benchmarks", "instance"}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")


def _read(path, locale=None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def template():
    """The messages of translations/messages.pot."""
    return _read(TRANSLATIONS / "messages.pot")


@pytest.fixture(scope="module")
def catalogues():
    """The kk, ru and en catalogues, by language."""
    return {lang: _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
            for lang in LANGUAGES}


@pytest.fixture(scope="module")
def code_messages():
    """Every msgid Babel extracts from the code and templates today."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")

    def keep(dirpath):
        name = pathlib.Path(dirpath).name
        return not (name in IGNORED_DIRS or name.startswith((".", "_")))

    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=keep):
        found.setdefault(message[0] if isinstance(message, tuple) else message,
                         f"{filename}:{lineno}")
    return found


def _key(message):
    return message.id[0] if message.pluralizable else message.id


def _forms(message):
    return list(message.string) if message.pluralizable else [message.string]


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def _untranslated(catalog):
    """Messages with an empty form, a missing plural form, or a fuzzy flag."""
    bad = []
    for message in catalog:
        if not message.id:
            continue
        forms = _forms(message)
        if message.fuzzy or not all(forms) or (
                message.pluralizable and len(forms) != catalog.num_plurals):
            bad.append(_key(message))
    return bad


def test_plural_forms_headers(catalogues):
    assert catalogues["ru"].num_plurals == 3
    assert catalogues["kk"].num_plurals == 2
    assert catalogues["en"].num_plurals == 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_message_is_in_the_catalogue(lang, template, catalogues):
    present = {_key(m) for m in catalogues[lang] if m.id}
    missing = [_key(m) for m in template if m.id and _key(m) not in present]
    assert not missing, f"{lang}: run `make extract-translations`; missing: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_fuzzy(lang, catalogues):
    bad = _untranslated(catalogues[lang])
    assert not bad, f"{lang}: untranslated or fuzzy: {bad}"
    assert not catalogues[lang].fuzzy, f"{lang}: the catalogue header is fuzzy"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_the_msgid(lang, catalogues):
    wrong = []
    for message in catalogues[lang]:
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        allowed = {tuple(_placeholders(text)) for text in ids}
        for form in _forms(message):
            if form and tuple(_placeholders(form)) not in allowed:
                wrong.append((_key(message), form))
            if form and (form[:1].isspace(), form[-1:].isspace()) != (
                    ids[0][:1].isspace(), ids[0][-1:].isspace()):
                wrong.append((_key(message), form))
    assert not wrong, f"{lang}: placeholders or edge spaces differ: {wrong}"


def test_english_repeats_the_msgid(catalogues):
    differ = [m.id for m in catalogues["en"] if m.id and tuple(_forms(m)) != (
        tuple(m.id) if m.pluralizable else (m.id,))]
    assert not differ


def test_code_strings_are_extracted_and_translated(code_messages, template, catalogues):
    """A string added to the code without extraction or translation fails here, by name."""
    assert code_messages, "extraction found nothing"
    in_template = {_key(m) for m in template if m.id}
    not_extracted = {m: where for m, where in code_messages.items() if m not in in_template}
    assert not not_extracted, f"run `make extract-translations` and translate: {not_extracted}"
    for lang in ("kk", "ru"):
        done = {_key(m) for m in catalogues[lang] if m.id} - set(_untranslated(catalogues[lang]))
        missing = {m: where for m, where in code_messages.items() if m not in done}
        assert not missing, f"{lang}: no translation for {missing}"


@pytest.mark.parametrize("lang, translated", [
    ("kk", ("Кіру", "Құпиясөз", "Мазмұнға өту")),
    ("ru", ("Войти", "Пароль", "Перейти к содержимому")),
])
def test_login_page_renders_in_the_chosen_language(client, lang, translated):
    response = client.post("/language", data={"lang": lang, "next": "/login"},
                           follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for word in translated:
        assert word in page
    for english in ("Log in", "Password", "Register a business", "Skip to content"):
        assert english not in page
    assert f'lang="{lang}"' in page


@pytest.mark.parametrize("n, expected", [
    (1, "Найден 1 человек."), (3, "Найдено 3 человека."), (5, "Найдено 5 человек."),
    (11, "Найдено 11 человек."), (21, "Найден 21 человек."), (1000, "Найдено 1\xa0000 человек."),
])
def test_a_count_in_russian_takes_the_form_of_its_number(app, n, expected):
    """A sentence with a count agrees with it: one, few and many in Russian, with the number
    formatted for the locale, as the roster shows its total."""
    from flask_babel import force_locale, format_decimal, ngettext

    with app.test_request_context(), force_locale("ru"):
        assert ngettext("%(count)s person matches.", "%(count)s people match.", n,
                        count=format_decimal(n)) == expected


def test_kazakh_counts_read_as_sentences_not_labels(catalogues):
    """A count in Kazakh is a sentence around its number, not "label: N" (a message that had
    to be worded as a label because it had no plural form)."""
    labels = [m.id for m in catalogues["kk"] if m.pluralizable
              and any(re.search(r":\s*%\(\w+\)s\.?$", form) for form in m.string)]
    assert labels == []
