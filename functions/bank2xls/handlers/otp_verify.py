"""POST /api/auth/otp/verify: sign in with the code; sets pg1_session and pg1_auth."""

from bank2xls import otp
from bank2xls.api import app, caller, with_session
from bank2xls.schemas import Authenticated, OtpVerify
from shared.observability import http_entrypoint


@app.post("/api/auth/otp/verify", middlewares=[with_session], summary="Sign in with the e-mailed code")
def otp_verify(body: OtpVerify) -> Authenticated:
    user_id, is_new_user = otp.verify_code(body.email, body.otp, caller())
    return Authenticated(userId=user_id, isNewUser=is_new_user)


lambda_handler = http_entrypoint(app)
