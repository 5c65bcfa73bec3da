"""The import steps pause Python's cyclic collector and always start it again."""
import gc
import threading

import pytest

from tabular.collector import bulk_work


@pytest.fixture(autouse=True)
def collector_running():
    gc.enable()
    yield
    gc.enable()


def test_a_step_runs_paused_and_the_collector_runs_again_after_it_even_when_it_fails():
    seen = []

    @bulk_work
    def step(fail):
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("bad row")
        return "done"

    assert step(False) == "done"
    with pytest.raises(ValueError):
        step(True)
    assert seen == [False, False]
    assert gc.isenabled()


def test_overlapping_steps_in_two_threads_start_it_again_only_when_the_last_one_ends():
    first_inside, second_inside, first_may_end = (threading.Event() for _ in range(3))
    after_first = []

    @bulk_work
    def first():
        first_inside.set()
        first_may_end.wait(10)

    @bulk_work
    def second():
        second_inside.set()
        thread.join(10)  # the first step has ended meanwhile
        after_first.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    assert first_inside.wait(10)
    other = threading.Thread(target=second)
    other.start()
    assert second_inside.wait(10)
    first_may_end.set()
    other.join(10)
    assert after_first == [False]
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused():
    gc.disable()
    bulk_work(lambda: None)()
    assert not gc.isenabled()


def test_a_refused_roster_upload_leaves_the_collector_running(app):
    from inmates import imports
    from tabular import TableError

    with app.test_request_context(), pytest.raises(TableError):
        imports.check_upload(b"MZ\x90\x00 not a workbook", "roster.xlsx")
    assert gc.isenabled()
