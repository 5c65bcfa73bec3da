"""Signals other packages subscribe to, so that inmates need not know them.

Receivers run in the sender's transaction and flush, never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: A person leaves the facility on ``on`` (``reason``: released or transferred); receivers
#: end what depends on the stay and return what they ended (or None).
person_leaving = _signals.signal("person-leaving")

#: A person's record is shown; receivers return a section to show on it, as a dict with
#: the ``template`` to include and the values it reads (or None for nothing).
person_page = _signals.signal("person-page")
