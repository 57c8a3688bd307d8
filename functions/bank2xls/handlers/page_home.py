"""GET /: the landing page (sign-in by e-mail code, a free conversion a day)."""

from aws_lambda_powertools.event_handler import Response

from bank2xls import pages
from bank2xls.api import app, caller, with_session
from shared.observability import http_entrypoint


@app.get("/", middlewares=[with_session], include_in_schema=False)
def page_home() -> Response[str]:
    return pages.page("home", caller())


lambda_handler = http_entrypoint(app)
