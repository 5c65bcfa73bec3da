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

#: A release or transfer on ``left_on`` (``reason``: released or transferred) was a mistake
#: and is undone: the person is in custody again at the facility they had left. Receivers
#: restore what ended with the leaving when they can (``why``: the correction's reason,
#: ``user_id``: who corrects) and raise web.errors.InputError when the undo cannot be. They
#: return None or a dict: ``placement_id``, ``changed`` (True when they changed it) and
#: ``message`` (for the user, e.g. why it was not restored, or None).
person_returning = _signals.signal("person-returning")

#: The date of a release or transfer is corrected from ``old_on`` to ``new_on``; receivers
#: move what ended with it, raise web.errors.InputError (keyed "on") when they cannot, and
#: return None or a dict as for ``person_returning``.
leaving_redated = _signals.signal("leaving-redated")
