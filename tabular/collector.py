"""Python's cyclic garbage collector paused while an import builds its rows.

A 30,000-row upload makes a few hundred thousand small objects (cells, dicts, tuples,
dates) that all stay alive until the step ends. Every 700 new objects the collector runs,
and now and then it walks every live object; over one import that is most of a second of
CPU spent finding no garbage, since reference counting frees what the import drops and its
rows hold no cycles. ``bulk_work`` pauses the collector for the block and starts it again
afterwards, when the last block running in the process ends (imports in two threads of one
worker overlap), and never starts it when something else had paused it before.
"""
import functools
import gc
import threading

_lock = threading.Lock()
_running = 0      # bulk_work blocks running in this process
_resume = False   # whether the first of them found the collector running


def _pause():
    global _running, _resume
    with _lock:
        if _running == 0:
            _resume = gc.isenabled()
            gc.disable()
        _running += 1


def _end():
    global _running
    with _lock:
        _running -= 1
        if _running == 0 and _resume:
            gc.enable()


def bulk_work(function):
    """Decorate a step of an import: the collector is paused while it runs."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        _pause()
        try:
            return function(*args, **kwargs)
        finally:
            _end()
    return paused
