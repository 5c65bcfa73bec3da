"""Signals other packages subscribe to, so that the marketplace need not know them.

Receivers run in the sender's transaction and flush, never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: A person is about to be placed on ``line`` from ``started_on`` (the caller holds the
#: line's lock); receivers return why the placement cannot start (a message), or None.
placement_starting = _signals.signal("placement-starting")

#: A wage record of ``placement`` was saved (created or corrected); receivers keep what
#: follows from its figures.
wage_saved = _signals.signal("wage-saved")

#: The wage grid (and the import, which reads the grid) pre-fills ``month`` (the sender) for
#: ``placements``, whose agreed wages are in ``agreed`` by placement id; receivers return
#: {placement_id: {field: value}} to pre-fill besides, in one query for all of them.
wage_prefill = _signals.signal("wage-prefill")
