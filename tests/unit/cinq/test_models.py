"""The keys cinq's items are stored under: existing tables hold them, so a model may not change them silently."""

from datetime import UTC, datetime

from cinq.models import (
    Contact,
    Counter,
    EmailOwner,
    GiftCode,
    Message,
    PaymentRecord,
    RefreshToken,
    Unread,
    User,
    WaitlistEntry,
)

USER, FRIEND = "0b6f3f7e-8a1c-4c52-9a77-1b1c1d1e1f20", "5d1c2e3f-0000-4000-8000-000000000001"


def test_each_model_spells_its_documented_key():
    assert WaitlistEntry.key("jean@example.com") == ("WAITLIST#jean@example.com", "ENTRY")
    assert Counter.key("waitlist") == ("COUNTER#waitlist", "COUNT")
    assert Counter.key("waitlist", 7) == ("COUNTER#waitlist#07", "COUNT")
    assert GiftCode.key("abc") == ("GIFT#abc", "CODE")
    assert PaymentRecord.key("btcpay", "inv_1") == ("PAYMENT#btcpay#inv_1", "GIFT")
    assert User.key(USER) == (f"USER#{USER}", "PROFILE")
    assert EmailOwner.key("jean@example.com") == ("EMAIL#jean@example.com", "USER")
    assert RefreshToken.key("f00") == ("REFRESH#f00", "TOKEN")
    assert Contact.key(USER, FRIEND) == (f"USER#{USER}", f"CONTACT#{FRIEND}")
    assert Unread.key(USER, FRIEND) == (f"USER#{USER}", f"UNREAD#{FRIEND}")


def test_a_conversation_is_one_partition_whoever_writes():
    assert Message.conversation(USER, FRIEND) == Message.conversation(FRIEND, USER) == f"CONVERSATION#{USER}#{FRIEND}"


def test_new_items_carry_their_key_and_what_it_names():
    at = datetime(2026, 1, 31, 12, 0, 0, 123000, tzinfo=UTC)
    message = Message.new(FRIEND, USER, message_id="m1", content="💫", is_ping=True, created_at=at)
    assert (message.pk, message.sk) == (Message.conversation(USER, FRIEND), "2026-01-31T12:00:00.123Z#m1")
    contact = Contact.new(USER, FRIEND, contact_id="c1", email="f@example.com", added_at=at)
    assert (contact.pk, contact.sk, contact.owner_id, contact.user_id) == (*Contact.key(USER, FRIEND), USER, FRIEND)
    token = RefreshToken.new("f00", USER, at)
    assert (token.pk, token.user_id) == ("REFRESH#f00", USER)
    assert token.expires_at == at.replace(microsecond=0)  # the TTL (whole seconds): gone once invalid
    entry = WaitlistEntry.new("jean@example.com", at, utm_source="x")
    assert (entry.pk, entry.utm_source, entry.referrer) == ("WAITLIST#jean@example.com", "x", None)
