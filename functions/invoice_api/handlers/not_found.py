"""$default route: 405 for a documented path with another method, 404 otherwise, in invoice_api's envelope."""

from invoice_api.api import app
from shared.observability import http_entrypoint

lambda_handler = http_entrypoint(app)
