"""$default route: any other path or method, answered in lnupload's envelope."""

from lnupload.api import app
from shared.observability import http_entrypoint

lambda_handler = http_entrypoint(app)
