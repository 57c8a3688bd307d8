"""$default route: 405 for a documented path with another method, 404 otherwise, in cinq's envelope."""

from cinq.api import app
from shared.observability import http_entrypoint

lambda_handler = http_entrypoint(app)
