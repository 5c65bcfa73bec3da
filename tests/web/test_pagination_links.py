"""The pagers, drawn by Bootstrap-Flask's render_pagination: a link to another page keeps the
list's filters and leads to that page's rows; a single page shows no pager; the pager's
landmark is named in the user's language; the fill page's open lines are all listed."""
import html
import re
from urllib.parse import parse_qs, urlsplit

from extensions import db
from marketplace.models import CandidateRequest
from tests import factories

PAGE_LINK = re.compile(r'<a class="page-link" href="([^"#]*)(#[^"]*)?">\s*(\d+)\s*</a>')


def _text(response):
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _page_links(page):
    """Return {page number: (path with query, fragment)} of the pager's numbered links."""
    return {int(number): (html.unescape(href).strip(), fragment or "")
            for href, fragment, number in PAGE_LINK.findall(page) if href}


def _query(href):
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query,
                                                       keep_blank_values=True).items()}


def test_roster_pager_keeps_the_search_and_leads_to_the_second_page(client, auth, world):
    for n in range(60):
        factories.person(world.facility_a, last_name=f"Пагинов{n:02d}")
    db.session.commit()
    auth.login("inspector_a")
    client.post("/language", data={"lang": "ru"})
    first = _text(client.get("/market/roster?q=Пагинов&status=in_custody"))
    assert '<nav aria-label="Страницы">' in first and "Page navigation" not in first
    assert 'class="pagination flex-wrap pagination-sm"' in first
    links = _page_links(first)
    assert set(links) == {2}  # page 1 is the current one: not a link
    href, _fragment = links[2]
    assert urlsplit(href).path == "/market/roster"
    assert _query(href) == {"q": "Пагинов", "status": "in_custody", "page": "2"}
    second = _text(client.get(href))
    shown = list(dict.fromkeys(re.findall(r"Пагинов\d\d", second)))
    assert shown == [f"Пагинов{n}" for n in range(50, 60)]
    assert "Пагинов49" in first and "Пагинов50" not in first
    assert world.person_a.last_name not in second  # the search still applies
    assert set(_page_links(second)) == {1}


def test_a_single_page_shows_no_pager(client, auth, world):
    for n in range(12):
        factories.person(world.facility_a, last_name=f"Одностраничный{n:02d}")
    db.session.commit()
    auth.login("inspector_a")
    page = _text(client.get("/market/roster?q=Одностраничный"))
    assert page.count("Одностраничный") >= 12
    assert 'class="pagination' not in page and not _page_links(page)
    auth.logout()
    auth.login("admin")
    users = _text(client.get("/users?role=inspector"))
    assert "inspector_a" in users and 'class="pagination' not in users


def test_users_pager_keeps_the_role_filter(client, auth, world):
    for n in range(60):
        factories.user("analyst", login=f"zz-analyst-{n:02d}")
    db.session.commit()
    auth.login("admin")
    first = _text(client.get("/users?role=analyst"))
    assert '<nav aria-label="Pages">' in first
    href, _fragment = _page_links(first)[2]
    assert urlsplit(href).path == "/users"
    assert _query(href) == {"role": "analyst", "page": "2"}
    second = _text(client.get(href))
    assert "zz-analyst-59" in second and "zz-analyst-59" not in first
    assert "inspector_a" not in second  # the role filter still applies


def test_fill_lists_every_open_line_and_pages_the_proposals(client, auth, world):
    lines = [factories.line(world.sme_a, world.facility_a, headcount=1, title=f"Вакансия{n:02d}")
             for n in range(30)]
    for _ in range(12):  # more people than line_a's 5 places: proposals on more than 5 lines
        factories.person(world.facility_a)
    factories.consent_all()
    db.session.commit()
    auth.login("admin")
    url = f"/market/fill?facility={world.facility_a.id}"
    page = _text(client.get(url))
    # More open lines than are unfolded: all listed, under a folded <details>, no pager.
    assert all(f">{line.title} — {world.sme_a.name}</a>" in page for line in lines)
    assert '<details class="mb-3">' in page and "vpage" not in page
    links = _page_links(page)
    assert 2 in links and page.count('class="pagination') == 1  # the proposals' pager only
    href, fragment = links[2]
    assert _query(href) == {"facility": str(world.facility_a.id), "page": "2"}
    assert fragment == "#proposals"
    second = _text(client.get(href))
    assert "Page 2 of" in second
    # Drawn after a POST (nothing ticked), the links still name the admin's facility.
    posted = _text(client.post("/market/fill", data={"facility": world.facility_a.id}))
    assert _query(_page_links(posted)[2][0]) == {"facility": str(world.facility_a.id),
                                                  "page": "2"}


def test_a_small_fill_shows_its_open_lines_unfolded(client, auth, world):
    auth.login("inspector_a")
    page = _text(client.get("/market/fill"))
    assert '<details class="mb-3" open>' in page and "Open lines: 1, vacant places: 5" in page
    assert f">{world.line_a.title} — {world.sme_a.name}</a>" in page
    assert 'class="pagination' not in page


def test_candidates_drawn_after_a_refused_placement_link_to_the_list(client, auth, world):
    line = factories.line(world.sme_a, world.facility_a, headcount=5)
    people = [factories.person(world.facility_a) for _ in range(55)]
    db.session.commit()
    auth.login("inspector_a")
    listed = _text(client.get(f"/market/lines/{line.id}/candidates?mode=transfer"))
    assert _query(_page_links(listed)[2][0]) == {"mode": "transfer", "page": "2"}
    refused = client.post(f"/market/lines/{line.id}/place", data={
        "person_id": people[0].id, "started_on": "not a date", "mode": "transfer"})
    assert refused.status_code == 422
    href, _fragment = _page_links(refused.get_data(as_text=True))[2]
    assert urlsplit(href).path == f"/market/lines/{line.id}/candidates"  # not .../place
    assert _query(href) == {"mode": "transfer", "page": "2"}
    assert "Page 2 of 2." in _text(client.get(href))


def test_requests_drawn_after_a_refused_decision_link_to_the_list(client, auth, world):
    asked = []
    for _ in range(30):
        asked.append(CandidateRequest(line_id=world.line_a.id,
                                      person_id=factories.person(world.facility_a).id,
                                      requested_by_id=world.users.owner_a.id))
    db.session.add_all(asked)
    db.session.commit()
    auth.login("inspector_a")
    listed = _text(client.get("/market/requests?status=requested"))
    assert _query(_page_links(listed)[2][0]) == {"status": "requested", "page": "2"}
    refused = client.post(f"/market/requests/{asked[0].id}/decide",
                          data={"decision": "accept", "started_on": "0001-01-01"})
    assert refused.status_code == 422
    href, _fragment = _page_links(refused.get_data(as_text=True))[2]
    assert urlsplit(href).path == "/market/requests"  # not .../decide
    assert _query(href) == {"status": "requested", "page": "2"}
    assert _text(client.get(href)).count("/decide") == 5  # the last 5 of the 30
