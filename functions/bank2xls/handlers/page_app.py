"""GET /app: the dashboard (balance, conversions); anonymous visitors are sent to sign in."""

from aws_lambda_powertools.event_handler import Response

from bank2xls import pages
from bank2xls.api import app, caller, with_session
from shared.observability import http_entrypoint


@app.get("/app", middlewares=[with_session], include_in_schema=False)
def page_app() -> Response[str]:
    return pages.page("app", caller(), signed_in_only=True)


lambda_handler = http_entrypoint(app)
