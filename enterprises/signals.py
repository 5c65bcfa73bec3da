"""Signals other packages subscribe to, so that enterprises need not know them.

Receivers run in the sender's transaction and flush, never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: A line is closing on ``ended_on`` for ``reason``; receivers end what depends on it and
#: return how many placements they ended.
line_closing = _signals.signal("line-closing")

#: A line's headcount is about to drop to ``headcount`` (the caller holds the line's lock and
#: has checked that the places taken fit); receivers move places beyond it onto free ones.
headcount_lowering = _signals.signal("headcount-lowering")

#: A line's wage is rising from ``old_kzt`` to ``new_kzt`` on ``on``, by ``user`` (the caller
#: holds the line's lock); receivers raise what follows the line's wage and return how many
#: placements they changed.
line_wage_raised = _signals.signal("line-wage-raised")

#: A line's page is shown; receivers return a section to show on it, as a dict with the
#: ``template`` to include and the values it reads (or None for nothing).
line_page = _signals.signal("line-page")
