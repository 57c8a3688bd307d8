"""POST /api/auth/logout: end the session server-side and clear both cookies."""

from bank2xls import sessions
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import LoggedOut
from shared.observability import http_entrypoint


@app.post("/api/auth/logout", middlewares=[with_session], summary="Sign out")
def logout() -> LoggedOut:
    sessions.sign_out(caller())
    return LoggedOut()


lambda_handler = http_entrypoint(app)
