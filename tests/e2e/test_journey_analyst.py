"""A ministry analyst reads the statistics for an earlier date and a region, exports them and
copies the letter paragraph, in Kazakh and Russian, on a laptop and on a phone: every page passes
check_page, and the journey ends with logout.
"""
import csv
import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

import timeutil
from reports.disclosure import is_hidden
from tests.e2e.conftest import DEVICES, assert_accessible, check_page, click_menu, login_in, logout

DATA = Path(__file__).resolve().parents[2] / "reference" / "data"
HEADLINE = ("in_custody", "able_bodied", "employed", "rate")


def region_name(code, lang):
    """Return a region's name in a language, from the reference data."""
    with open(DATA / "regions.csv", encoding="utf-8", newline="") as handle:
        return next(row[f"name_{lang}"] for row in csv.DictReader(handle) if row["code"] == code)


def headline(page):
    """Read the four headline figures as shown: counts as int, or "<5" and "x" when hidden
    (fewer than five, or hidden so that such a count cannot be worked out), the rate in
    percent."""
    figures = {}
    for key in HEADLINE:
        text = page.locator(f"#headline-{key}").inner_text().strip()
        if is_hidden(text) or text == "—":
            figures[key] = text
        elif key == "rate":
            figures[key] = float(re.sub(r"[^\d,.]", "", text).replace(",", "."))
        else:
            figures[key] = int(re.sub(r"\D", "", text))
    return figures


def year_earlier(day):
    """Return the same day a year before (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_analyst_journey(page, lang, device):
    page.set_default_timeout(10_000)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    errors = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location.get('url')}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    login_in(page, "analyst", lang, device=device)

    click_menu(page, device, "a[href$='/reports/']")
    check_page(page, lang, device)
    now = headline(page)
    assert isinstance(now["in_custody"], int) and now["in_custody"] > 0
    assert page.locator("canvas#chart-region").count() == 1
    # The charts format their numbers for the page's locale, and the series names its months
    # in words, never 2026-12.
    charts = page.evaluate("""() => ['chart-region', 'chart-series'].map(id => {
      const chart = Chart.getChart(id);
      return chart ? {locale: chart.options.locale, labels: chart.data.labels} : null; })""")
    assert all(chart is not None and chart["locale"] == lang for chart in charts), charts
    assert charts[1]["labels"] and not any(re.search(r"\d{4}-\d{2}", str(label))
                                           for label in charts[1]["labels"]), charts[1]
    assert_accessible(page)

    # A year earlier, in Astana.
    earlier = year_earlier(timeutil.today()).isoformat()
    page.fill("#on", earlier)
    page.select_option("#region", label=region_name("KZ-71", lang))
    with page.expect_navigation():
        page.locator("#report-filter button[type=submit]").click()
    check_page(page, lang, device)
    assert f"on={earlier}" in page.url
    region_id = page.locator("#region").input_value()
    assert region_id and f"region={region_id}" in page.url
    assert page.locator("#on").input_value() == earlier
    then = headline(page)
    assert then != now, (now, then)

    # The workbook's summary sheet carries the same figures.
    with page.expect_download() as info:
        page.locator("form[action$='/export.xlsx'] button[type=submit]").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(BytesIO(handle.read()), read_only=True).worksheets[0]
    values = [row[1] for row in sheet.iter_rows(min_row=4, max_row=7, values_only=True)]
    exported = dict(zip(HEADLINE, values))
    for key in HEADLINE:
        shown, cell = then[key], exported[key]
        if key == "rate" and isinstance(shown, float):
            assert round(cell * 100, 1) == shown, (key, shown, cell)
        elif isinstance(shown, str):
            assert cell in (shown, None), (key, shown, cell)
        else:
            assert cell == shown, (key, shown, cell)

    # The copy button puts the paragraph, as shown, on the clipboard.
    paragraph = page.locator(f"#paragraph-{lang}").inner_text().strip()
    assert earlier[:4] in paragraph
    page.locator(f"button[data-copy-target='paragraph-{lang}']").click()
    copied = ""
    for _ in range(50):
        copied = page.evaluate("() => navigator.clipboard.readText()")
        if copied:
            break
        page.wait_for_timeout(100)
    assert copied.strip() == paragraph
    marker = {"ru": "трудо", "kk": "еңбек"}[lang]
    assert marker in copied.lower(), copied

    # Chromium asks for /favicon.ico on its own; the site has none, which is no script error.
    errors = [e for e in errors if "/favicon.ico" not in e]
    assert errors == [], errors

    logout(page, lang, device)
