"""GET /api/user-profile: the caller's profile, circle and message total."""

from cinq import profile
from cinq.api import app, caller, route
from cinq.schemas import Overview
from shared.observability import http_entrypoint


@route("GET", "user-profile", summary="My profile")
def user_profile_get() -> Overview:
    return profile.overview(caller())


lambda_handler = http_entrypoint(app)
