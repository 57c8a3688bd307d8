from __future__ import annotations

import time
import uuid

import jwt

from cinq import gifts
from cinq.models import EmailOwner, User
from tests.hashes import current, older_hash
from tests.integration.cinq.conftest import PASSWORD, Client, member, new_code
from tools.local.local_values import LOCAL_SECRETS


def email() -> str:
    return f"acct-{uuid.uuid4().hex[:10]}@example.com"


def test_register_then_login_as_documented(cinq):
    address, code = email(), new_code()
    registered = Client().call("auth_register", {"email": address, "password": PASSWORD, "giftCode": code})
    assert registered.status == 201
    assert registered.json["message"] == "Welcome to CINQ! 🎉" and registered.json["requiresLogin"] is True
    assert registered.json["user"]["email"] == address
    assert gifts.find(code).status == "redeemed"
    login = Client().call("auth_login", {"email": address.upper(), "password": PASSWORD})
    assert login.status == 200
    session, user = login.json["session"], login.json["user"]
    assert session["token_type"] == "bearer" and session["expires_in"] == 3600
    assert session["expires_at"] > time.time() + 3500 and session["refresh_token"]
    claims = jwt.decode(session["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user["id"] == registered.json["user"]["id"]
    assert user["contact_count"] == 0 and user["contact_limit"] == 5 and user["unread_messages"] == 0


def test_password_rules(cinq):
    for password in ("short1", "lettersonly", "1234567890"):
        answer = Client().call("auth_register", {"email": email(), "password": password, "giftCode": new_code()})
        assert answer.status == 400 and answer.json["code"] == "WEAK_PASSWORD", password


def test_a_taken_email_leaves_the_code_unused_and_a_bad_code_creates_no_account(cinq):
    address = email()
    Client().call("auth_register", {"email": address, "password": PASSWORD, "giftCode": new_code()})
    unused = new_code()
    taken = Client().call("auth_register", {"email": address, "password": PASSWORD, "giftCode": unused})
    assert taken.status == 409
    assert gifts.find(unused).status == "active"
    other = email()
    bad = Client().call("auth_register", {"email": other, "password": PASSWORD, "giftCode": "CINQ-AAAA-BBBB-CCCC"})
    assert bad.status == 400
    assert Client().call("auth_login", {"email": other, "password": PASSWORD}).status == 401


def test_a_retried_registration_whose_answer_was_lost_gets_the_same_account(cinq):
    # Given a registration that was written but whose answer the client never got (a 503 after the commit)
    address, code = email(), new_code()
    request = {"email": address, "password": PASSWORD, "giftCode": code}
    first = Client().call("auth_register", request)

    # When the client retries it as it was, then with another password or code
    retried = Client().call("auth_register", request)
    other_password = Client().call("auth_register", {**request, "password": "Another123"})
    other_code = Client().call("auth_register", {**request, "giftCode": new_code()})

    # Then the retry answers the same account, and anything else is still EMAIL_TAKEN
    assert (first.status, retried.status) == (201, 201)
    assert retried.json["user"] == first.json["user"]
    assert other_password.status == other_code.status == 409
    assert other_password.json["code"] == other_code.json["code"] == "EMAIL_TAKEN"


def test_a_code_redeemed_for_an_address_opens_that_account_only(cinq):
    address, code = email(), new_code()
    assert Client().call("gift_redeem", {"code": code, "email": address}).status == 200
    stranger = Client().call("auth_register", {"email": email(), "password": PASSWORD, "giftCode": code})
    assert stranger.status == 400
    owner = Client().call("auth_register", {"email": address, "password": PASSWORD, "giftCode": code})
    assert owner.status == 201
    again = Client().call("auth_register", {"email": email(), "password": PASSWORD, "giftCode": code})
    assert again.status == 400


def test_wrong_password_and_unknown_email_look_the_same(cinq):
    user = member()
    wrong = Client().call("auth_login", {"email": user.user["email"], "password": "WrongPass123"})
    unknown = Client().call("auth_login", {"email": email(), "password": PASSWORD})
    assert wrong.status == unknown.status == 401
    assert (
        wrong.json
        == unknown.json
        == {"success": False, "error": "Invalid email or password", "code": "INVALID_CREDENTIALS"}
    )


def test_bearer_tokens_missing_malformed_expired_or_forged_are_401(cinq):
    user = member()
    secret = LOCAL_SECRETS["CinqJwtSecret"]
    now = int(time.time())
    base = {"sub": user.user["id"], "iss": "cinq", "aud": "authenticated", "iat": now - 7200}
    tokens = [
        None,
        "not-a-jwt",
        jwt.encode({**base, "exp": now - 3600}, secret, algorithm="HS256"),
        jwt.encode({**base, "exp": now + 3600}, "another-secret-of-thirty-two-bytes!!", algorithm="HS256"),
        jwt.encode({**base, "exp": now + 3600}, None, algorithm="none"),
    ]
    for token in tokens:
        intruder = Client()
        intruder.token = token
        answer = intruder.call("user_profile_get")
        assert answer.status == 401 and answer.json["code"] == "UNAUTHORIZED", token
    assert user.call("user_profile_get").status == 200


def test_register_with_an_unknown_code_is_the_documented_400(cinq):
    # Given a well-formed code that does not exist
    answer = Client().call("auth_register", {"email": email(), "password": PASSWORD, "giftCode": "CINQ-AAAA-BBBB-CCCC"})
    # Then auth-register answers its documented 400 ("code cadeau invalide"), still naming why
    assert answer.status == 400
    assert answer.json == {"success": False, "error": "Gift code not found", "code": "CODE_NOT_FOUND"}
    # While gift-verify keeps its documented 404 for the same code
    assert Client().call("gift_verify", {"code": "CINQ-AAAA-BBBB-CCCC"}).status == 404


def test_a_password_hashed_with_older_parameters_is_rehashed_at_login(cinq):
    # Given an account whose stored hash has older argon2 parameters
    address = email()
    Client().call("auth_register", {"email": address, "password": PASSWORD, "giftCode": new_code()})
    user = User.get_profile(EmailOwner.find(address).user_id)
    user.update(actions=[User.password_hash.set(older_hash(PASSWORD))])
    # When it logs in
    assert Client().call("auth_login", {"email": address, "password": PASSWORD}).status == 200
    # Then its hash is now at the current parameters, for the same password
    assert current(User.get(user.pk, user.sk).password_hash, PASSWORD)
    assert Client().call("auth_login", {"email": address, "password": PASSWORD}).status == 200
