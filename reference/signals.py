"""Signals other packages subscribe to, so that reference data need not know them.

Receivers run in the sender's transaction and flush, never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: The minimum wage of ``year`` was set to ``amount_kzt``; receivers return what it leaves
#: below it, as a dict of counts ({"lines": n, "placements": m}).
minimum_wage_set = _signals.signal("minimum-wage-set")
