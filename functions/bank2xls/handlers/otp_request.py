"""POST /api/auth/otp/request: e-mail a 6-digit sign-in code (rate-limited)."""

from bank2xls import otp
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import OtpRequest, OtpSent
from shared.observability import http_entrypoint


@app.post("/api/auth/otp/request", middlewares=[with_session], summary="Send a sign-in code by e-mail")
def otp_request(body: OtpRequest) -> OtpSent:
    otp.request_code(body.email, caller())
    return OtpSent()


lambda_handler = http_entrypoint(app)
