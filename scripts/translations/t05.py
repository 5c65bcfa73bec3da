"""Translations, part 5 (one meaning per msgid): msgid -> (Russian, Kazakh)."""
T = {
    "Open the line": ("Открыть линию", "Желіні ашу"),
    "Place no.": ("№ места", "Орын №"),
}
