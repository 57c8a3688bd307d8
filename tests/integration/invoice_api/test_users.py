"""GET /api/v1/users and /api/v1/users/{user_id}: names and e-mail, nothing else."""

from __future__ import annotations

import pytest

NOT_FOUND = {"message": "User not found", "status": 404, "data": []}


def test_users_list_as_documented(api):
    answer = api.call("users_list")
    assert answer.status == 200
    assert answer.json == {
        "data": [
            {
                "first_name": "Example",
                "last_name": "One",
                "full_name": "Example One",
                "email": "example.one@example.com",
            },
            {
                "first_name": "Example",
                "last_name": "Two",
                "full_name": "Example Two",
                "email": "example.two@example.com",
            },
            {
                "first_name": "Example",
                "last_name": "Three",
                "full_name": "Example Three",
                "email": "example.three@example.com",
            },
        ]
    }
    assert "password" not in answer.text and "argon2" not in answer.text


def test_user_show_as_documented(api):
    answer = api.call("user_show")
    assert answer.status == 200
    assert answer.text == (
        '{"data":{"first_name":"Example","last_name":"Two","full_name":"Example Two",'
        '"email":"example.two@example.com"}}'
    )


@pytest.mark.parametrize("user_id", ["4", "0", "-1", "999999999999999999999", "abc", "1.5", "1e3", " "])
def test_unknown_or_non_integer_ids_are_404(api, user_id):
    answer = api.call("user_show", path={"user_id": user_id})
    assert (answer.status, answer.json) == (404, NOT_FOUND), user_id
