"""GET /api/v1/invoices?field[op]=value&page=&per_page=: the filtered invoices, a page at a time."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from invoice_api import filters, invoices
from invoice_api.api import app, caller, page_path, query_pairs
from invoice_api.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE
from invoice_api.schemas import InvoicePage, PageLinks, PageMeta
from shared.observability import http_entrypoint

FILTERS = (
    "Filters: `field[op]=value` on type (P, B, C), paid (0, 1), value, payment_date (ISO date or date-time) and "
    "user_id, with op one of gt, gte, lt, lte, eq, ne, in (`in` takes a comma-separated list); filters combine "
    "with AND, other parameters are ignored, an unknown op or a malformed value is 400 Invalid filter."
)
PageNumber = Annotated[int, Query(ge=1, le=10**9, description="Page number (default 1).")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description=f"Page size (default {DEFAULT_PER_PAGE}).")]


@app.get("/api/v1/invoices", summary="List the invoices", description=FILTERS)
def invoices_list(page: PageNumber = 1, per_page: PerPage = DEFAULT_PER_PAGE) -> InvoicePage:
    caller()
    conditions = filters.parse(app.current_event.query_string_parameters)
    found, paging = invoices.listing(conditions, page, per_page, page_path(), query_pairs())
    return InvoicePage(
        data=found, links=PageLinks.model_validate(paging.links()), meta=PageMeta.model_validate(paging.meta())
    )


lambda_handler = http_entrypoint(app)
