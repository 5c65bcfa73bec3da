"""One pager for every list: a page of a select (ORM rows or result rows) and its total.

Built on public SQLAlchemy only: the total is ``count(*)`` over the select as a subquery,
the page is ``LIMIT``/``OFFSET``. It offers what Bootstrap-Flask's ``render_pagination``
reads (page, pages, has_prev, prev_num, has_next, next_num, iter_pages).
"""
import math

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from extensions import db


class Page:
    """One page of a list, with the total number of rows."""

    def __init__(self, items, page, per_page, total):
        self.items = items
        self.page = page
        self.per_page = per_page
        self.total = total
        self.pages = max(1, math.ceil(total / per_page)) if per_page else 1

    @property
    def has_prev(self):
        """Say whether there is an earlier page."""
        return self.page > 1

    @property
    def has_next(self):
        """Say whether there is a later page."""
        return self.page < self.pages

    @property
    def prev_num(self):
        """Return the number of the earlier page, or None."""
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self):
        """Return the number of the later page, or None."""
        return self.page + 1 if self.has_next else None

    def iter_pages(self, left_edge=2, left_current=2, right_current=4, right_edge=2):
        """Yield page numbers to link, with None where a run of numbers is left out."""
        last = 0
        for number in range(1, self.pages + 1):
            if (number <= left_edge or self.page - left_current - 1 < number < self.page + right_current
                    or number > self.pages - right_edge):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def count_of(query):
    """Return the number of rows a select returns."""
    inner = query.options(lazyload("*")).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(inner))


def paginate(query, page=1, per_page=25, scalars=True):
    """Return one Page of a select: model objects (``scalars``) or whole result rows."""
    per_page = max(1, min(per_page, 500))
    total = count_of(query)
    page = max(1, min(page, max(1, math.ceil(total / per_page))))
    sliced = query.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(sliced)
    items = list(result.unique().scalars() if scalars else result.all())
    return Page(items, page, per_page, total)


def page_of(rows, page=1, per_page=25):
    """Return one Page of a list already in memory (ranked in Python), with its total."""
    per_page = max(1, min(per_page, 500))
    total = len(rows)
    page = max(1, min(page, max(1, math.ceil(total / per_page))))
    start = (page - 1) * per_page
    return Page(rows[start:start + per_page], page, per_page, total)


def page_ranked(fetch, page=1, per_page=25):
    """Return one Page of a list ranked elsewhere (in SQL): ``fetch(limit, offset)`` returns
    (the total, the rows of that slice). A page past the end shows the last one."""
    per_page = max(1, min(per_page, 500))
    page = max(1, page)
    total, rows = fetch(per_page, (page - 1) * per_page)
    last = max(1, math.ceil(total / per_page))
    if page > last:
        page = last
        total, rows = fetch(per_page, (page - 1) * per_page)
    return Page(rows, page, per_page, total)
