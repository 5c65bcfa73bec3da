"""Hostile input for the property test of tests/web/test_no_500.py.

Targets come from the URL map (every rule with its methods) and their fields from the
forms of the rendered pages (each <form>'s action, method and inputs, with the values a
browser would send) and the query names of their links; the arguments a view reads without
a form come from its module's source (every literal passed to request.args / .values /
.form or a web.query reader), so an argument no page links to is still tried. Values are what an attacker or a bad paste sends: NUL and other control
characters, zero-width and text-direction characters, very long strings, huge and negative
integers, NaN and infinities, absurd and malformed dates, Kazakh letters, empty values and
repeated keys.
"""
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from hypothesis import strategies as st

from web.forms import has_control

ROOT = Path(__file__).resolve().parents[2]
KAZAKH = "Әлем Ғалия Қасым Ңң Өмір Ұлан Үміт Һ Іңкәр"

NUL = ["\x00", "Иванов\x00", "\x00\x00\x00", "1\x00", "2021-07-01\x00"]
CONTROL = ["\x01", "\x1b[31mred", "\x7f", "a\x85b", "\x08", "a\tb", "a\r\nb", "\x0b", "\u2028"]
INVISIBLE = ["Ива\u200bнов", "\ufeffАлиев", "\u202eвонавИ", "\u2066x\u2069", "a\u200db",
             "\u2060", "\u200c", "Швейный\u202a цех"]
LONG = ["x" * 201, "Қ" * 1000, "9" * 400, "a" * 20_000]
INTEGERS = ["0", "-1", "-0", "2147483647", "2147483648", "-2147483649", "32768", "99999",
            "9223372036854775808", "9" * 40, "1_000", "²", "١٢", " 7 ", "0x10", "1e3"]
DECIMALS = ["NaN", "nan", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", "-inf", "1e999",
            "-1e999", "1e-999", "1E+5", "0.05", "12,5", "1e308", "9" * 60 + ".5"]
DATES = ["0001-01-01", "9999-12-31", "2021-02-30", "2021-13-01", "0000-00-00", "21-07-01",
         "2021-07-01T00:00", "10000-01-01", "01.07.2021", "-2021-07-01", "2021-7-1"]
OTHER = ["", " ", KAZAKH, "🙂", "e\u0301", "'; DROP TABLE person;--", "<script>x</script>",
         "%00", "None", "null", "true", "on", "y", "../../etc/passwd", "{{7*7}}"]
# Bytes a browser never sends: invalid UTF-8, a lone surrogate encoded, an overlong NUL.
RAW = [b"\xed\xa0\x80", b"\xff\xfe", b"\xc0\x80", b"a\xe2\x80", b"\x00"]

HUGE_IDS = [0, 999_999, 2**31 - 1, 2**31, 2**63, 10**40]
PATH_VALUES = ["\x00", "0000", "7533\u200b", "Қ" * 300, "..", "%00", "7533\x00", " "]
# Names of inputs a view reads without a form (plus any page may get them).
EXTRA_KEYS = ["next", "csrf_token", "id", "\x00", "a" * 300, "occupations-99999999999-code",
              "occupations-0-code", "accept", "decision", "payload", "month", "submit",
              "endpoint", "_external", "_scheme"]  # url_for's own names (web.guard)

READERS = re.compile(
    r"""(request\.(?:args|values|form)\.(?:get|getlist)|query_int|query_text|query_choice|"""
    r"""page_number)\(\s*(?:f?"([^"{}]+)"|'([^'{}]+)')""")


def source_names(module_file=None):
    """Return {(name, where, kind)} of the literal argument names the code reads.

    ``where`` is "args", "form" or "values"; ``kind`` "number" for readers of whole numbers,
    else "any". Only ``module_file`` is read when given, else every package module.
    """
    paths = [Path(module_file)] if module_file else [
        path for path in ROOT.glob("*/*.py")
        if path.parts[-2] not in {"tests", "benchmarks", "demo", "migrations", ".venv"}]
    found = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in READERS.finditer(text):
            call, name = match.group(1), match.group(2) or match.group(3)
            where = call.split(".")[1] if call.startswith("request.") else "args"
            tail = text[match.end():match.end() + 30]
            kind = "number" if call in ("query_int", "page_number") or "type=int" in tail \
                else "any"
            found.add((name, where, kind))
    return found


@dataclass
class Input:
    """One input of a rendered form: its name, kind and the values a browser may send."""

    name: str
    kind: str
    values: list = field(default_factory=list)


@dataclass
class FoundForm:
    """A <form> of a rendered page."""

    action: str
    method: str
    inputs: dict = field(default_factory=dict)

    def add(self, name, kind, value=None):
        """Record an input and one value it may carry."""
        found = self.inputs.setdefault(name, Input(name, kind))
        if value is not None and value not in found.values:
            found.values.append(value)


class FormParser(HTMLParser):
    """Collect the forms of a page, with each input's values, and the query names of links."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms, self.links = [], []
        self._form = self._select = self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        """Note forms, inputs, options, text areas and links."""
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.page_url
            self._form = FoundForm(action, (attrs.get("method") or "get").upper())
            self.forms.append(self._form)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.add(name, kind, attrs.get("value", "on"))
            else:
                self._form.add(name, kind, attrs.get("value", ""))
        elif tag == "button" and name:
            self._form.add(name, "button", attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self._form.add(name, "select")
        elif tag == "option" and self._select:
            self._form.add(self._select, "select", attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        """Keep a text area's content."""
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        """Close forms, selects and text areas."""
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.add(self._textarea, "textarea", "".join(self._text))
            self._textarea = None


def parse_page(url, html):
    """Return the forms of a page and the query names of its links, by path."""
    parser = FormParser(url)
    parser.feed(html)
    queries = {}
    for href in parser.links:
        parts = urlsplit(href)
        if parts.netloc or not parts.query:
            continue
        queries.setdefault(parts.path or urlsplit(url).path, set()).update(
            key for key, _value in parse_qsl(parts.query, keep_blank_values=True))
    return parser.forms, queries


# One representative of each kind of trouble per kind of input, so that few examples still
# try each (NUL first: Hypothesis's first example takes it); the long lists above come in
# through hostile_value's other branch.
POOLS = {
    "number": ["\x00", "2147483648", "-1", "NaN", "sNaN", "Infinity", "-inf", "1e999", "²",
               "", "9" * 40, "0.05"],
    "date": ["\x00", "0001-01-01", "9999-12-31", "2021-02-30", "10000-01-01", "", KAZAKH],
    "select": ["\x00", "2147483648", "9" * 40, "-1", "", "Ива\u200bнов", "0"],
    "text": ["\x00", "\x1b[31m", "a\r\nb", "Ива\u200bнов", "\u202eвонавИ", "x" * 201,
             "a" * 20_000, KAZAKH, "", " ", "2147483648"],
    "any": ["\x00", "2147483648", "9" * 40, "-1", "²", "NaN", "sNaN", "1e999", "0001-01-01",
            "9999-12-31", "9999-12", "Ива\u200bнов", "x" * 20_000, "", "²:1", "1:²"],
}
EVERYTHING = NUL + CONTROL + INVISIBLE + LONG + INTEGERS + DECIMALS + DATES + OTHER
KIND_OF_INPUT = {"number": "number", "date": "date", "select": "select", "radio": "select",
                 "checkbox": "select", "hidden": "any", "button": "select"}


def readable(value):
    """Say whether a value passes web.guard (no control character), so it reaches the view."""
    return isinstance(value, bytes) or not has_control(value)


def hostile_value(kind, reaches_view=False):
    """Return a strategy of one hostile value for an input of the kind; ``reaches_view``
    leaves out the control characters web.guard answers 400 to in a query string."""
    pool = POOLS[KIND_OF_INPUT.get(kind, "text") if kind not in POOLS else kind]
    if reaches_view:
        return hostile_value(kind).filter(readable)
    return st.one_of(
        st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(pool),
        st.sampled_from(EVERYTHING), st.sampled_from(RAW),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


@st.composite
def submission(draw, inputs, extra, password, query=False):
    """Draw the (key, value) pairs of one request: a browser's values with some made hostile.

    ``inputs`` are the inputs of the target's forms, ``extra`` (name, kind) pairs the view's
    code reads or nobody does. One input, a few or all of them get a hostile value for
    their kind, at times twice (a repeated key). A value is bytes when it is to be sent
    percent-encoded as is (not valid UTF-8). In a ``query`` string, only a single hostile
    value may be a control character: one is enough for web.guard's 400, and the others
    must reach the view.
    """
    names = sorted(name for name, found in inputs.items() if found.kind != "file")
    hostile, width = set(), "one"
    if names:
        # Every field hostile at once tries each field's checks in one request; a single
        # hostile field lets the others pass, so the request reaches the view's own code.
        width = draw(st.sampled_from(["all", "one", "all", "some"]))
        if width == "one":
            hostile = {draw(st.sampled_from(names))}
        elif width == "all":
            hostile = set(names)
        else:
            hostile = set(draw(st.sets(st.sampled_from(names), min_size=1, max_size=3)))
    pairs = []
    for name in names:
        found = inputs[name]
        if name in hostile:
            for _ in range(draw(st.sampled_from([1, 1, 2]))):
                pairs.append((name, draw(hostile_value(found.kind, query and width != "one"))))
        elif found.kind in ("checkbox", "radio") and not draw(st.booleans()):
            continue
        elif found.kind == "password":
            pairs.append((name, password))
        else:
            pairs.append((name, draw(st.sampled_from(found.values)) if found.values else ""))
    # Names no form of the page has (read by the view directly, or by nobody), at times twice.
    if extra:
        for name, kind in draw(st.lists(st.sampled_from(sorted(extra)), max_size=3)):
            pairs.append((name, draw(hostile_value(kind, query and bool(hostile)))))
    return pairs


HUGE = "9" * 20  # beyond INTEGER and BIGINT alike
# Explicit examples, each a value per kind of input ("extra": an argument the view's code
# reads without a form); inputs of other kinds keep the browser's values. The absurd dates
# come alone, so that the rest of the form is valid and the date reaches the view's code.
EXPLICIT = [
    {},  # the browser's own values: the success path
    {"date": "9999-12-31", "extra": "9999-12-31"},
    {"date": "0001-01-01", "extra": "0001-01-01"},
    {"number": HUGE, "select": HUGE, "radio": HUGE, "hidden": HUGE, "extra": HUGE},
    {"number": "sNaN", "select": "²", "hidden": "²", "extra": "²", "text": "Ива\u200bнов",
     "search": "Қ" * 5000, "textarea": "Қ" * 5000},
    {"text": "\x00", "textarea": "\x00", "password": "\x00", "search": "\x00",
     "number": "-Infinity", "date": "2021-02-30", "extra": "\x00"},
]


def explicit_submissions(inputs, extra, password):
    """Return the pairs of each explicit example that changes something for these inputs."""
    found = []
    for values in EXPLICIT:
        pairs, changed = [], not values
        for name in sorted(inputs):
            got = inputs[name]
            if got.kind == "file" or (got.kind in ("checkbox", "radio") and got.kind not in values):
                continue
            if got.kind in values:
                pairs.append((name, values[got.kind]))
                changed = True
            elif got.kind == "password":
                pairs.append((name, password))
            else:
                pairs.append((name, got.values[0] if got.values else ""))
        if "extra" in values:
            for name, _kind in sorted(extra):
                if name not in inputs and name not in EXTRA_KEYS:
                    pairs.append((name, values["extra"]))
                    changed = True
        if changed:
            found.append(pairs)
    return found


@st.composite
def upload(draw):
    """Draw an uploaded file: a hostile file name and a few bytes (or a tiny CSV)."""
    name = draw(st.one_of(st.sampled_from(
        ["people.csv", "wages.xlsx", "a\x00.csv", "\u202egpj.csv", "x" * 300 + ".csv",
         "Қазақ.csv", "..\\..\\x.csv", "", "a\r\n.csv", ".csv", "people.CSV"]),
        st.text(max_size=30).map(lambda text: text + ".csv")))
    body = draw(st.sampled_from([b"", b"\x00\x01", b"a,b\n1,2\n", b"PK\x03\x04junk",
                                 "Фамилия;Имя\nӘлиев;Қ\x00\n".encode()]))
    return name, body


def encode_pairs(pairs):
    """Percent-encode (key, value) pairs, bytes as they are and text as UTF-8."""
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def multipart(pairs, files):
    """Return test-client data for a form with files (text values only)."""
    data = []
    for key, value in pairs:
        data.append((key, value.decode("utf-8", "replace") if isinstance(value, bytes)
                     else value))
    for key, (name, body) in files:
        data.append((key, (io.BytesIO(body), name)))
    return data
