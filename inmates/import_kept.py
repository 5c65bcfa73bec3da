"""Checked roster records kept on the server between the preview and the confirmation.

What waits is the checked records (inmates.import_save.Record), not the file: the
confirmation reads them back and checks again only what the database can have changed
meanwhile (inmates.imports.recheck). They are bound to the user and to the scope they were
checked in (tabular.pending).
"""
from collections import namedtuple
from datetime import date

from tabular import pending
from tabular.collector import bulk_work

from .import_save import DAYS, RECORD_FIELDS, Record, chunks

# creates_only: every record named a new person when the upload was previewed.
Kept = namedtuple("Kept", "records present filename creates_only")


def _kept_context(facility_id):
    """A kept roster upload is taken back only by the same scope it was checked in."""
    return {"import": "roster", "facility_id": facility_id}


@bulk_work
def keep(result, user_id, filename, facility_id=None):
    """Keep a good upload's checked records on the server for the confirmation; return the
    token."""
    header = {"filename": filename, "present": sorted(result.present), "fields": RECORD_FIELDS,
              "creates_only": len(result.creates) == len(result.records)}
    # As plain tuples: the JSON writer writes a tuple, not a named one. A Record's days are
    # dates (tabular.parse_date turns a datetime cell into its day).
    return pending.store(header, chunks(map(tuple, result.records)), user_id,
                         _kept_context(facility_id), days=True)


@bulk_work
def take(token, user_id, facility_id=None):
    """Return the Kept records of this user's token (checked in the same scope), or None."""
    found = pending.load(token, user_id, _kept_context(facility_id))
    if found is None:
        return None
    header, lists = found
    if header.get("fields") != list(RECORD_FIELDS):
        lists.close()
        return None  # kept by an earlier version of the import: upload again
    days = [i for i, name in enumerate(RECORD_FIELDS) if name in DAYS]
    records = []
    for values in lists:
        for i in days:
            if values[i] is not None:
                values[i] = date.fromisoformat(values[i])
        values[-1] = [tuple(skill) for skill in values[-1]]
        records.append(Record(*values))
    return Kept(records, frozenset(header["present"]), header["filename"],
                header.get("creates_only") is True)
