from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from cinq import messages
from cinq.errors import MessagingUnavailable
from cinq.models import Unread, User
from tests.integration.cinq.conftest import PASSWORD, Client, member

INVALID_CONTACT = "Invalid contact_id (a user id: a UUID)"


def circle_of_two():
    me, friend = member(), member()
    me.call("contacts_add", {"email": friend.user["email"]})
    friend.call("contacts_add", {"email": me.user["email"]})
    return me, friend


def test_messages_and_pings_in_chronological_order_from_each_side(cinq):
    me, friend = circle_of_two()
    sent = me.call("messages_send", {"contact_id": friend.user["id"], "content": "Salut !"})
    assert sent.status == 201
    assert sent.json["message"]["content"] == "Salut !" and sent.json["message"]["is_mine"] is True
    ping = friend.call("messages_send", {"contact_id": me.user["id"], "is_ping": True, "content": "ignored"})
    assert ping.json["message"]["content"] == "💫" and ping.json["message"]["is_ping"] is True
    mine = me.call("messages_list", query={"contact_id": friend.user["id"]}).json
    assert mine["count"] == 2 and mine["contact_id"] == friend.user["id"]
    assert [m["content"] for m in mine["messages"]] == ["Salut !", "💫"]
    assert [m["is_mine"] for m in mine["messages"]] == [True, False]
    theirs = friend.call("messages_list", query={"contact_id": me.user["id"]}).json["messages"]
    assert [m["is_mine"] for m in theirs] == [False, True]


def test_pages_go_back_with_before(cinq):
    me, friend = circle_of_two()
    for n in range(5):
        me.call("messages_send", {"contact_id": friend.user["id"], "content": f"m{n}"})
    page = me.call("messages_list", query={"contact_id": friend.user["id"], "limit": "2"}).json["messages"]
    assert [m["content"] for m in page] == ["m3", "m4"]
    older = me.call(
        "messages_list", query={"contact_id": friend.user["id"], "limit": "2", "before": page[0]["created_at"]}
    ).json["messages"]
    assert [m["content"] for m in older] == ["m1", "m2"]
    assert me.call("messages_list", query={"contact_id": friend.user["id"], "limit": "101"}).status == 400


def test_unread_messages_at_login_and_reading_marks_them_read(cinq):
    me, friend = circle_of_two()
    for text in ("a", "b", "c"):
        friend.call("messages_send", {"contact_id": me.user["id"], "content": text})
    login = Client().call("auth_login", {"email": me.user["email"], "password": PASSWORD}).json
    assert login["user"]["unread_messages"] == 3 and login["user"]["contact_count"] == 1
    me.call("messages_list", query={"contact_id": friend.user["id"]})
    again = Client().call("auth_login", {"email": me.user["email"], "password": PASSWORD}).json
    assert again["user"]["unread_messages"] == 0
    assert me.call("user_profile_get").json["messages"]["total"] == 3


def test_only_within_the_circle_and_content_rules(cinq):
    me, friend = circle_of_two()
    stranger = member()
    for answer in (
        me.call("messages_send", {"contact_id": stranger.user["id"], "content": "hi"}),
        stranger.call("messages_send", {"contact_id": me.user["id"], "content": "hi"}),
        stranger.call("messages_list", query={"contact_id": me.user["id"]}),
    ):
        assert answer.status == 403 and answer.json["code"] == "NOT_IN_CIRCLE"
    for content in ("", "   ", "x" * 501):
        assert me.call("messages_send", {"contact_id": friend.user["id"], "content": content}).status == 400
    assert me.call("messages_send", {"contact_id": friend.user["id"], "content": "x" * 500}).status == 201
    assert me.call("messages_list", query={}).status == 400


def test_an_unavailable_message_store_is_a_503_in_the_envelope(cinq, monkeypatch):
    me, friend = circle_of_two()
    monkeypatch.setenv("TABLE_NAME", "CinqTableThatIsGone")  # every read and write of the store now fails
    answer = me.call("messages_list", query={"contact_id": friend.user["id"]})
    assert answer.status == 503 and answer.json["success"] is False  # even the token's user cannot be read
    try:
        messages.send(me.user["id"], friend.user["id"], "hello", False)
    except MessagingUnavailable as error:
        assert error.status == 503 and error.text == "Messaging non disponible"
    else:
        raise AssertionError("expected MessagingUnavailable")


def test_a_contact_id_that_is_not_a_uuid_is_400_and_a_stranger_403(cinq):
    # Given a member with one contact
    me, friend = circle_of_two()
    # When contact_id is not a user id at all, Then both endpoints answer the documented 400
    for bad in ("not-a-uuid", "12345", friend.user["id"] + "x", ""):
        sent = me.call("messages_send", {"contact_id": bad, "content": "hi"})
        listed = me.call("messages_list", query={"contact_id": bad})
        for answer in (sent, listed):
            assert answer.status == 400, bad
            assert answer.json == {"success": False, "error": INVALID_CONTACT, "code": "INVALID_REQUEST"}
    # And a well-formed id outside the circle stays 403; the contact's id in capitals is the contact
    stranger = str(uuid.uuid4())
    assert me.call("messages_send", {"contact_id": stranger, "content": "hi"}).status == 403
    assert me.call("messages_list", query={"contact_id": stranger}).json["code"] == "NOT_IN_CIRCLE"
    upper = me.call("messages_send", {"contact_id": friend.user["id"].upper(), "content": "hi"})
    assert upper.status == 201 and upper.json["message"]["receiver_id"] == friend.user["id"]


def test_a_reader_many_write_to_gets_a_counter_per_sender_and_every_message_counted(cinq):
    # Given three people who each have `star` in their circle, writing to them at the same time
    star = member()
    fans = [member() for _ in range(3)]
    for fan in fans:
        fan.call("contacts_add", {"email": star.user["email"]})

    # (through the logic: one process runs one handler call at a time, as Lambda does; see test_circle)
    def write(fan: Client) -> list[str]:
        return [messages.send(fan.user["id"], star.user["id"], "hello", False).message.id for _ in range(4)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        sent = [message_id for ids in pool.map(write, fans * 2) for message_id in ids]
    # Then every message is stored, none refused, and the star's own profile item was never written for them
    assert len(set(sent)) == 24
    assert int(User.get_profile(star.user["id"]).message_count) == 0
    counters = {c.sk: int(c.received) for c in Unread.of(star.user["id"], consistent_read=True)}
    assert counters.keys() == {Unread.key(star.user["id"], fan.user["id"])[1] for fan in fans}
    assert sorted(counters.values()) == [8, 8, 8]
    # And the totals count both sides: 24 received for the star, 8 sent by each fan
    assert star.call("user_profile_get").json["messages"]["total"] == 24
    assert fans[0].call("user_profile_get").json["messages"]["total"] == 8
    login = Client().call("auth_login", {"email": star.user["email"], "password": PASSWORD}).json
    assert login["user"]["unread_messages"] == 24
