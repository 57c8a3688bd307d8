"""Sign-up field rules and their French messages (the refusal side only: valid input reaches DynamoDB)."""

from __future__ import annotations

import pytest

from filestore import api, errors, users
from filestore.errors import SignUpRefused
from filestore.models import UserItem
from filestore.schemas import SignUp

NAME_RULE = "Veuillez saisir au minimum 1 et au maximum 32 caractères. Les accents et tirés '-' sont autorisés."
USERNAME_RULE = "Veuillez saisir au minimum 1 et au maximum 20 caractères."
PASSWORD_RULE = "Veuillez saisir au minimum 6 et au maximum 15 caractères."


def refusal(fields: dict) -> dict[str, str]:
    with pytest.raises(SignUpRefused) as refused:
        users.sign_up(SignUp.model_validate(fields))
    status, body = api.envelope(refused.value)
    assert status == 400
    return dict(body)


def test_the_documented_messages_are_the_specs_own():
    assert users.NAME_RULE == NAME_RULE  # verbatim from the spec's example
    assert users.TAKEN == "Utilisateur déjà existant"
    assert users.USERNAME_RULE == USERNAME_RULE
    assert users.PASSWORD_RULE == PASSWORD_RULE


def test_nothing_given_refuses_every_field():
    assert refusal({}) == {
        "username": USERNAME_RULE,
        "lastname": NAME_RULE,
        "firstname": NAME_RULE,
        "password": PASSWORD_RULE,
    }


def test_correct_fields_answer_an_empty_string():
    # The username is wrong (so nothing is looked up); every other field is correct
    given = {"username": "", "lastname": "Dupont", "firstname": "Jean", "password": "secret1"}
    assert refusal(given) == {"username": USERNAME_RULE, "lastname": "", "firstname": "", "password": ""}


def test_the_map_always_has_the_four_fields_in_order():
    body = refusal({"username": "x" * 21, "lastname": "Du pont", "firstname": "Jean", "password": "123"})
    assert list(body) == ["username", "lastname", "firstname", "password"]
    assert body == {"username": USERNAME_RULE, "lastname": NAME_RULE, "firstname": "", "password": PASSWORD_RULE}


def test_wrong_types_are_refused_like_wrong_values():
    body = refusal({"username": 12, "lastname": ["Dupont"], "firstname": None, "password": 123456})
    assert body == {"username": USERNAME_RULE, "lastname": NAME_RULE, "firstname": NAME_RULE, "password": PASSWORD_RULE}


@pytest.mark.parametrize(
    "name",
    ["A", "Dupont", "Jean-Pierre", "Éloïse", "Müller", "Nuñez", "-", "Ærøskøbing", "x" * 32, "Łukasz", "Δημήτρης"],
)
def test_names_of_letters_accents_and_dashes(name):
    assert users._name_ok(name)


@pytest.mark.parametrize(
    "name",
    ["", "x" * 33, "Du pont", "D'Artagnan", "Jean2", "Jean_Pierre", "Jean.", " Jean", "Jean\n", "<b>", "😀", None],
)
def test_names_with_anything_else_are_refused(name):
    assert not users._name_ok(name)


@pytest.mark.parametrize("username", ["j", "jdupont", "J.Dupont-2024 ok", "x" * 20, "élodie", "user@example"])
def test_usernames_of_one_to_twenty_characters(username):
    assert users._username_ok(username)


@pytest.mark.parametrize("username", ["", " ", "   \t", "x" * 21, "a\x00b", "a\nb", "ab\u202e", None])
def test_usernames_blank_too_long_or_with_control_characters_are_refused(username):
    assert not users._username_ok(username)


@pytest.mark.parametrize("password", ["123456", "x" * 15, "pass word", "mötdepässe"])
def test_passwords_of_six_to_fifteen_characters(password):
    assert users._password_ok(password)


@pytest.mark.parametrize("password", ["", "12345", "x" * 16, None])
def test_passwords_outside_six_to_fifteen_are_refused(password):
    assert not users._password_ok(password)


def test_usernames_are_keyed_case_insensitively():
    assert UserItem.key("JDupont") == UserItem.key("jdupont") == UserItem.key("JDUPONT") == ("USERNAME#jdupont", "USER")
    assert UserItem.key("Straße") == UserItem.key("STRASSE")


def test_session_checks_refuse_missing_or_absurd_tokens_without_a_lookup():
    for token in (None, "", "x" * 201):
        with pytest.raises(errors.AuthenticationRequired):
            users.authenticate(token)


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (errors.BadCredentials(), 400, "Nom d'utilisateur ou mot de passe incorrect."),
        (errors.AuthenticationRequired(), 401, "Une authentification est requise pour effectuer cette action."),
        (errors.BadUploadTarget(), 400, "Le fichier n'existe pas ou le chemin est incorrect."),
        (errors.InvalidUploadToken(), 400, "Jeton de téléversement invalide"),
        (errors.BadDownloadTarget(), 400, "Le fichier n'existe pas ou le répertoire est incorrect."),
        (errors.InvalidDownloadToken(), 400, "Jeton de téléchargement invalide"),
        (errors.BadDeleteTarget(), 400, "Le fichier n'existe pas ou le chemin d'accès est incorrect."),
    ],
)
def test_each_documented_failure_is_its_status_and_french_message(error, status, message):
    assert api.envelope(error) == (status, {"message": message})
