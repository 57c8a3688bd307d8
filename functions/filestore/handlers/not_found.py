"""$default route: anything else, 404 in filestore's envelope."""

from filestore.api import app
from shared.observability import http_entrypoint

lambda_handler = http_entrypoint(app)
