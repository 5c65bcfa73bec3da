"""Two users edit the same production line: the second gets a conflict, not an overwrite.

``python -m benchmarks.faults.concurrent_edit [--db sqlite|postgresql]``. Two admins open
the line's edit form; the first saves a new title; the second, still holding the old
form (its version_id), saves another title: it must answer 409 with the conflict message
and the first title must stay. Then both post at the same moment from fresh forms: exactly
one wins, the other gets the conflict.
"""
import argparse
import re
import sys
import threading

from benchmarks import databases
from benchmarks.client import Browser
from benchmarks.faults.common import (PASSWORD, exit_code, form_fields, fresh_database, scalar,
                                      verdict)
from benchmarks.server import Server

CONFLICT_WORDS = re.compile(r"changed|изменил|өзгерт", re.IGNORECASE)


def edit_form(browser, path):
    status, page, _h, _s = browser.get(path)
    fields = form_fields(page, "title")
    return status, fields


def with_title(fields, title):
    return [(name, title if name == "title" else value) for name, value in fields]


def flashed(page):
    """Return the text of the alerts on a page."""
    return " ".join(re.sub(r"<[^>]+>", " ", m).strip()
                    for m in re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    url, synthetic = fresh_database(args.db, "edit")
    line_id = synthetic["line_ids"][0]
    path = f"/enterprises/lines/{line_id}/edit"
    title_of = lambda: scalar(url, "SELECT title FROM production_line WHERE id = :i", i=line_id)  # noqa: E731
    with Server(url, log_path=databases.OUT / "fault_edit.log") as server:
        first, second = Browser(server.base), Browser(server.base)
        assert first.login("admin", PASSWORD) and second.login("admin", PASSWORD)
        _s1, form_one = edit_form(first, path)
        _s2, form_two = edit_form(second, path)
        status_one, _p1, _h1, _t1 = first.post(path, with_title(form_one, "Edit by the first user"))
        status_two, page_two, _h2, _t2 = second.post(path, with_title(form_two, "Edit by the second user"))
        kept = title_of()
        message = flashed(page_two)
        verdict("stale form: the second edit of a line gets a conflict, not an overwrite",
                status_one in (302, 303) and status_two == 409 and kept == "Edit by the first user"
                and "Traceback" not in page_two and bool(message),
                [f"first POST -> {status_one}; second POST (stale version_id) -> {status_two}",
                 f"title in the database afterwards: {kept!r}",
                 f"message shown to the second user: {message[:160]!r}"])

        # Both at once, from forms read after the first edit.
        _s, form_one = edit_form(first, path)
        _s, form_two = edit_form(second, path)
        results = {}
        barrier = threading.Barrier(2)

        def save(name, browser, fields):
            barrier.wait()
            results[name] = browser.post(path, with_title(fields, f"Simultaneous edit {name}"))

        threads = [threading.Thread(target=save, args=("A", first, form_one)),
                   threading.Thread(target=save, args=("B", second, form_two))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(results[n][0] for n in results)
        kept = title_of()
        winner = [n for n in results if results[n][0] in (302, 303)]
        version = scalar(url, "SELECT version_id FROM production_line WHERE id = :i", i=line_id)
        verdict("simultaneous edits: one saves, the other gets the conflict",
                statuses == [302, 409] and winner and kept == f"Simultaneous edit {winner[0]}",
                [f"answers: {statuses}; title kept: {kept!r}; version_id now {version}",
                 "tracebacks in the server log: " + str(server.log().count("Traceback"))])
    databases.drop(url)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
