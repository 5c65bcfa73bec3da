"""Fill translations/{kk,ru,en} from the msgid -> (Russian, Kazakh) tables in this folder.

Run after `make extract-translations`:
    .venv/bin/python scripts/translations/apply.py
Fails, naming the strings, when a catalogue entry has no translation or a placeholder differs.
Plural entries are keyed by the singular msgid; their value is (Russian forms, Kazakh forms).
"""
import importlib
import pathlib
import re
import sys

from babel.messages.pofile import read_po, write_po

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[A-Za-z0-9_]*\}")


def placeholders(text):
    """Return the sorted placeholders in one string."""
    return sorted(PLACEHOLDER.findall(text))


def load_tables():
    """Merge every tNN.py table, refusing a msgid given two different translations."""
    merged = {}
    for path in sorted(HERE.glob("t[0-9][0-9].py")):
        module = importlib.import_module(path.stem)
        for msgid, pair in module.T.items():
            if msgid in merged and merged[msgid] != pair:
                sys.exit(f"{path.name}: {msgid!r} translated twice differently")
            merged[msgid] = pair
    return merged


def check(msgid, forms, lang, problems):
    """Record a problem for an empty form or a placeholder that differs from the msgid."""
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    for form in forms:
        if not form:
            problems.append(f"{lang}: empty translation for {ids[0]!r}")
        elif placeholders(form) != placeholders(ids[-1]) and placeholders(form) != placeholders(ids[0]):
            problems.append(f"{lang}: placeholders differ in {form!r} for {ids[0]!r}")
        elif form.strip() != form and (form[:1].isspace() != ids[0][:1].isspace()):
            problems.append(f"{lang}: leading space differs for {ids[0]!r}")


def fill(lang, table, problems):
    """Write the translations of one language into its catalogue."""
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    column = {"ru": 0, "kk": 1}.get(lang)
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if message.pluralizable else message.id
        if lang == "en":
            message.string = tuple(message.id) if message.pluralizable else message.id
        elif key not in table:
            problems.append(f"{lang}: no translation for {key!r}")
            continue
        else:
            value = table[key][column]
            if message.pluralizable:
                value = tuple(value)
                if len(value) != catalog.num_plurals:
                    problems.append(f"{lang}: {key!r} needs {catalog.num_plurals} plural forms")
                    continue
            elif not isinstance(value, str):
                problems.append(f"{lang}: {key!r} is not a plural entry")
                continue
            message.string = value
            check(message.id, value if message.pluralizable else (value,), lang, problems)
        message.flags.discard("fuzzy")
        message.previous_id = []
    catalog.obsolete.clear()
    catalog.fuzzy = False
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, ignore_obsolete=True)


def main():
    """Fill kk, ru and en; exit non-zero with the list of problems."""
    sys.path.insert(0, str(HERE))
    table = load_tables()
    problems = []
    for lang in ("kk", "ru", "en"):
        fill(lang, table, problems)
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{len(table)} translations applied")


if __name__ == "__main__":
    main()
