"""Reading a rendered page as a user of a screen reader meets it: the message beside a field,
and the markup problems that would hide a field or its message."""
import re
from collections import Counter
from html.parser import HTMLParser


def error_near(page, element_id):
    """Return the message shown beside the input with this id, or None."""
    found = re.search(rf'id="{element_id}-error">([^<]*)<', page)
    if found is None:
        return None
    assert re.search(rf'id="{element_id}"[^>]*aria-describedby="{element_id}-error"', page) or \
        re.search(rf'class="[^"]*is-invalid[^"]*"[^>]*id="{element_id}"', page)
    return found.group(1)


NAMELESS = {"hidden", "submit", "button", "image", "reset"}  # inputs that need no label
REFERENCES = ("aria-describedby", "aria-labelledby")


class Markup(HTMLParser):
    """Collect a page's ids, the ids it refers to, its form controls and the messages shown
    beside fields (Bootstrap's invalid-feedback)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = Counter()
        self.referred = []  # (attribute, id)
        self.labelled = set()  # ids a <label for> names
        self.controls = []  # (tag, id, name, named otherwise)
        self.messages = []  # ids of the field messages (None: the message has none)
        self._labels = 0  # depth of <label> elements open around the current tag

    def handle_starttag(self, tag, attrs):
        """Note ids, references, labels and controls."""
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if "invalid-feedback" in (attrs.get("class") or "").split():
            self.messages.append(attrs.get("id"))
        for attribute in REFERENCES:
            self.referred += [(attribute, ref) for ref in (attrs.get(attribute) or "").split()]
        if tag == "label":
            self._labels += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
                self.referred.append(("label for", attrs["for"]))
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (attrs.get("type") or "text").lower() in NAMELESS:
                return
            named = bool(self._labels or attrs.get("aria-label") or attrs.get("aria-labelledby"))
            self.controls.append((tag, attrs.get("id"), attrs.get("name"), named))

    def handle_endtag(self, tag):
        """Close labels."""
        if tag == "label" and self._labels:
            self._labels -= 1

    def problems(self):
        """Return what a screen reader would trip over, as sentences."""
        found = [f'id "{i}" is used {n} times' for i, n in self.ids.items() if n > 1]
        found += [f'{attribute} names "{ref}", which is not on the page'
                  for attribute, ref in self.referred if ref not in self.ids]
        found += [f"<{tag} name={name!r} id={id_!r}> has no label"
                  for tag, id_, name, named in self.controls
                  if not named and (id_ is None or id_ not in self.labelled)]
        described = {ref for attribute, ref in self.referred if attribute == "aria-describedby"}
        found += [f'the field message "{id_}" is named by no aria-describedby' if id_ else
                  "a field message has no id: no field can name it"
                  for id_ in self.messages if id_ not in described]
        return found


def problems_of(html):
    """Return the markup problems of one page."""
    markup = Markup()
    markup.feed(html)
    return markup.problems()
