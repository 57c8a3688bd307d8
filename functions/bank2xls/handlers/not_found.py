"""$default route: any other path or method, answered in bank2xls's envelope (404 NOT_FOUND)."""

from bank2xls.api import app
from shared.observability import http_entrypoint

lambda_handler = http_entrypoint(app)
