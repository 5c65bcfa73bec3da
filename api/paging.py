"""flask-smorest's pagination over a SQLAlchemy select: one page by LIMIT/OFFSET and the total
by count(*), the X-Pagination header written by the library."""
from flask_smorest import Page
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from extensions import db

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class SelectPage(Page):
    """A page of the ORM rows of a select (``collection``)."""

    @property
    def items(self):
        """Return the rows of the requested page."""
        params = self.page_params
        return db.session.scalars(self.collection.limit(params.page_size)
                                  .offset(params.first_item)).unique().all()

    @property
    def item_count(self):
        """Return the number of rows the select gives."""
        counted = self.collection.order_by(None).options(lazyload("*")).subquery()
        return db.session.scalar(select(func.count()).select_from(counted))


def paginated(bp):
    """The library's pagination decorator with this API's page sizes."""
    return bp.paginate(SelectPage, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
