"""POST /api/user/sign: the documented answer, the field -> message map, unique usernames whatever their case."""

from __future__ import annotations

import threading

from filestore import users
from filestore.errors import SignUpRefused
from filestore.models import SessionItem, UserItem
from filestore.schemas import SignedIn, SignUp
from tests.integration.filestore.conftest import PASSWORD, Client, sign_up, unique_name

NAME_RULE = "Veuillez saisir au minimum 1 et au maximum 32 caractères. Les accents et tirés '-' sont autorisés."
USERNAME_RULE = "Veuillez saisir au minimum 1 et au maximum 20 caractères."
PASSWORD_RULE = "Veuillez saisir au minimum 6 et au maximum 15 caractères."
TAKEN = "Utilisateur déjà existant"
FIELDS = {"lastname": "Dupont", "firstname": "Jean", "password": PASSWORD}


def test_sign_up_answers_the_documented_shape_with_an_integer_id(filestore):
    # Given a new username; When signing up with the four fields
    username = unique_name("jd")
    answer = sign_up(username, lastname="Dupont", firstname="Jean-Éric")
    # Then 200 with exactly {id, token, username, lastname, firstname}
    assert answer.status == 200
    assert list(answer.json) == ["id", "token", "username", "lastname", "firstname"]
    assert type(answer.json["id"]) is int and answer.json["id"] > 0
    assert answer.json["username"] == username
    assert (answer.json["lastname"], answer.json["firstname"]) == ("Dupont", "Jean-Éric")
    assert len(answer.json["token"]) >= 32


def test_the_session_token_works_at_once(filestore):
    answer = sign_up()
    assert Client(answer.json["token"]).call("disks").status == 200


def test_ids_are_distinct_increasing_integers(filestore):
    ids = [sign_up().json["id"] for _ in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_fields_are_accepted_from_a_json_body_a_form_or_the_query_string(filestore):
    for via in ("json", "form", "query"):
        given = {"username": unique_name(), **FIELDS}
        answer = Client().call("user_sign", given, via=via)
        assert answer.status == 200, (via, answer.json)


def test_the_event_file_itself_signs_up_jdupont_once(filestore):
    # Given no jdupont (another test of this session may have signed the event file up already)
    UserItem(*UserItem.key("jdupont")).delete()
    # The documented example: 200 the first time, then the username is taken
    first = Client().call("user_sign")
    assert (first.status, first.json["username"], first.json["lastname"]) == (200, "jdupont", "Dupont")
    again = Client().call("user_sign")
    assert (again.status, again.json) == (400, {"username": TAKEN, "lastname": "", "firstname": "", "password": ""})


def test_every_wrong_field_has_its_message_and_correct_ones_an_empty_string(filestore):
    # When lastname and password are wrong, username and firstname right
    answer = sign_up(unique_name(), lastname="Du pont", password="12345")
    # Then 400 with the documented map
    assert answer.status == 400
    assert answer.json == {"username": "", "lastname": NAME_RULE, "firstname": "", "password": PASSWORD_RULE}


def test_an_empty_request_refuses_every_field(filestore):
    nothing = dict.fromkeys(("username", "lastname", "firstname", "password"))
    for via in ("json", "form", "query"):
        answer = Client().call("user_sign", nothing, via=via)
        assert answer.status == 400
        assert answer.json == {
            "username": USERNAME_RULE,
            "lastname": NAME_RULE,
            "firstname": NAME_RULE,
            "password": PASSWORD_RULE,
        }


def test_a_malformed_body_is_the_same_refusal_not_a_crash(filestore):
    for junk, content_type in [
        (b'{"username": "x", ', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe\x00", "application/octet-stream"),
        (b"%%%&&&==", "application/x-www-form-urlencoded"),
    ]:
        answer = Client().call("user_sign", body=(junk, content_type))
        assert answer.status == 400, junk
        assert answer.json == {
            "username": USERNAME_RULE,
            "lastname": NAME_RULE,
            "firstname": NAME_RULE,
            "password": PASSWORD_RULE,
        }


def test_limits_of_each_field(filestore):
    ok = sign_up("u" + unique_name()[:19], lastname="D" * 32, firstname="É", password="x" * 15)
    assert ok.status == 200, ok.json
    refused = sign_up("u" * 21, lastname="D" * 33, firstname="", password="x" * 16)
    assert refused.json == {
        "username": USERNAME_RULE,
        "lastname": NAME_RULE,
        "firstname": NAME_RULE,
        "password": PASSWORD_RULE,
    }


def test_an_existing_username_is_refused_whatever_its_case(filestore):
    # Given jdupontXXXX signed up
    username = unique_name("JDupont")[:20]
    assert sign_up(username).status == 200
    # When another sign-up uses it in another case
    for other in (username.lower(), username.upper(), username):
        answer = sign_up(other)
        # Then the documented message on username only
        assert answer.status == 400
        assert answer.json == {"username": TAKEN, "lastname": "", "firstname": "", "password": ""}


def test_a_taken_username_is_reported_with_the_other_mistakes(filestore):
    username = unique_name()
    sign_up(username)
    answer = sign_up(username, firstname="Jean2")
    assert answer.json == {"username": TAKEN, "lastname": "", "firstname": NAME_RULE, "password": ""}


def test_parallel_sign_ups_of_one_username_exactly_one_wins(filestore):
    # Given eight sign-ups of one username (in various cases) racing through the logic, as eight Lambdas would
    username = unique_name("race")
    results: list[object] = []
    start = threading.Barrier(8)

    def attempt(index: int) -> None:
        name = username.upper() if index % 2 else username
        start.wait()
        try:
            results.append(users.sign_up(SignUp(username=name, **FIELDS)))
        except SignUpRefused as refused:
            results.append(refused)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Then exactly one account, the others told the username is taken
    wins = [r for r in results if isinstance(r, SignedIn)]
    losses = [r for r in results if isinstance(r, SignUpRefused)]
    assert len(wins) == 1 and len(losses) == 7
    assert all(loss.details["fields"]["username"] == TAKEN for loss in losses)
    assert UserItem.get(*UserItem.key(username)).user_id == wins[0].id


def test_passwords_and_session_tokens_are_stored_hashed(filestore):
    username = unique_name()
    answer = sign_up(username)
    user = UserItem.get(*UserItem.key(username))
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    stored = SessionItem.get(*SessionItem.key(answer.json["token"]))
    assert stored.user_id == answer.json["id"]
    assert answer.json["token"] not in stored.pk
