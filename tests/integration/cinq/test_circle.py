from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from cinq import circle
from cinq.errors import LimitReached
from cinq.models import User
from tests.integration.cinq.conftest import Client, member


def test_add_list_and_remove_contacts_as_documented(cinq):
    me, friend = member(), member()
    added = me.call("contacts_add", {"email": friend.user["email"]})
    assert added.status == 201
    assert added.json["message"] == "Contact ajouté !" and added.json["count"] == 1 and added.json["remaining"] == 4
    contact = added.json["contact"]
    assert contact["user_id"] == friend.user["id"] and contact["email"] == friend.user["email"]
    listed = me.call("contacts_list").json
    assert listed["contacts"] == [contact] and (listed["count"], listed["limit"], listed["remaining"]) == (1, 5, 4)
    removed = me.call("contacts_remove", query={"id": contact["id"]})
    assert removed.status == 200
    assert removed.json == {
        "success": True,
        "message": "Contact retiré",
        "removed_id": contact["id"],
        "count": 0,
        "remaining": 5,
    }


def test_application_error_codes(cinq):
    me, friend = member(), member()
    cases = [
        (me.user["email"], 400, "SELF_ADD", "Tu ne peux pas t'ajouter toi-même"),
        (f"ghost-{uuid.uuid4().hex[:6]}@example.com", 404, "USER_NOT_FOUND", "Utilisateur pas sur Cinq"),
    ]
    for address, status, code, message in cases:
        answer = me.call("contacts_add", {"email": address})
        assert (answer.status, answer.json) == (status, {"success": False, "error": message, "code": code})
    assert me.call("contacts_add", {"email": friend.user["email"]}).status == 201
    again = me.call("contacts_add", {"email": friend.user["email"]})
    assert (again.status, again.json["code"]) == (409, "ALREADY_CONTACT")


def test_five_at_most_and_removing_frees_a_place(cinq):
    me = member()
    friends = [member() for _ in range(6)]
    for friend in friends[:5]:
        assert me.call("contacts_add", {"email": friend.user["email"]}).status == 201
    full = me.call("contacts_add", {"email": friends[5].user["email"]})
    assert (full.status, full.json["code"], full.json["error"]) == (400, "LIMIT_REACHED", "5 contacts max")
    first = me.call("contacts_list").json["contacts"][0]
    me.call("contacts_remove", query={"id": first["id"]})
    assert me.call("contacts_add", {"email": friends[5].user["email"]}).status == 201


def test_parallel_adds_never_pass_five(cinq):
    # Given eight people added at once (through the logic: a Lambda process serves one request at a time)
    me = member()
    owner = User.get_profile(me.user["id"])
    friends = [member().user["email"] for _ in range(8)]

    def add(address: str) -> bool:
        try:
            circle.add(owner, address)
        except LimitReached:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(add, friends))
    assert results.count(True) == 5
    assert len(circle.contacts(me.user["id"])) == 5 and circle.count(me.user["id"]) == 5


def test_profile_shows_the_circle_and_its_actions_work(cinq):
    me, friend = member(), member()
    added = me.call("user_profile_post", {"action": "add_contact", "email": friend.user["email"]})
    assert added.status == 201
    assert added.json["message"] == "Contact added successfully" and added.json["contacts_remaining"] == 4
    profile = me.call("user_profile_get").json
    assert profile["profile"]["email"] == me.user["email"] and profile["contacts"]["count"] == 1
    assert profile["contacts"]["list"][0]["id"] == added.json["contact"]["id"]
    removed = me.call("user_profile_post", {"action": "remove_contact", "contact_id": added.json["contact"]["id"]})
    assert removed.status == 200
    assert removed.json == {"success": True, "message": "Contact removed", "contacts_remaining": 5}
    assert me.call("user_profile_post", {"action": "dance"}).status == 400


def test_nobody_removes_another_users_contacts(cinq):
    me, friend, intruder = member(), member(), member()
    contact = me.call("contacts_add", {"email": friend.user["email"]}).json["contact"]
    attempt = intruder.call("contacts_remove", query={"id": contact["id"]})
    assert attempt.status == 404
    assert me.call("contacts_list").json["count"] == 1
    assert Client().call("contacts_list").status == 401
