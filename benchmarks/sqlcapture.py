"""Capture the SQL an operation sends, to time the same SQL alone as its limit."""
from contextlib import contextmanager

from sqlalchemy import event

from extensions import db


@contextmanager
def captured():
    """Collect (statement, parameters) of every cursor execution inside the block."""
    statements = []

    def remember(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany:
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def replay(statements):
    """Return a function that runs the statements on a raw DBAPI cursor and fetches all rows."""

    def run():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description:
                    cursor.fetchall()
            cursor.close()
            connection.rollback()
        finally:
            connection.close()

    return run


def main_statements(statements):
    """Keep the SELECTs that read data (drop savepoints and session bookkeeping)."""
    return [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
