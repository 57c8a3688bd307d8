from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from cinq import waitlist
from cinq.errors import AlreadyRegistered
from cinq.models import Counter
from shared import aws
from tests.faults import failing
from tests.integration.cinq.conftest import Client


def test_join_answers_201_with_the_new_count_and_counts_are_read_back(cinq):
    before = Client().call("waitlist_count").json["count"]
    email = f"wait-{uuid.uuid4().hex[:8]}@example.com"
    joined = Client().call("waitlist_join", {"email": email, "referrer": "twitter", "utm_source": "twitter"})
    assert joined.status == 201
    assert joined.json == {"success": True, "message": "Bienvenue dans le cercle !", "count": before + 1}
    assert Client().call("waitlist_count").json == {"count": before + 1}


def test_one_address_signs_up_once_whatever_its_case_or_spaces(cinq):
    email = f"Wait-{uuid.uuid4().hex[:8]}@Example.com"
    assert Client().call("waitlist_join", {"email": email}).status == 201
    again = Client().call("waitlist_join", {"email": f"  {email.upper()} "})
    assert again.status == 409
    assert again.json == {"success": False, "error": "Email already registered", "code": "already_registered"}


def test_invalid_emails_are_400(cinq):
    for body in ({"email": "nope"}, {}, {"email": 3}):
        answer = Client().call("waitlist_join", body)
        assert answer.status == 400 and answer.json["success"] is False and answer.json["code"] == "INVALID_EMAIL"


def test_the_count_is_exact_under_parallel_sign_ups(cinq):
    # Given 20 sign-ups racing, 5 of them for the same address (through the logic: see test_credits)
    before = waitlist.count().count
    shared = f"same-{uuid.uuid4().hex[:8]}@example.com"
    emails = [f"p{i}-{uuid.uuid4().hex[:6]}@example.com" for i in range(15)] + [shared] * 5

    def join(email: str) -> bool:
        try:
            waitlist.join(email)
        except AlreadyRegistered:
            return False
        return True

    with ThreadPoolExecutor(max_workers=10) as pool:
        accepted = list(pool.map(join, emails))
    # Then 16 entries, and the count moved by exactly 16
    assert accepted.count(True) == 16
    assert waitlist.count().count == before + 16


def shard_values() -> list[int]:
    keys = [waitlist.shard_key(shard) for shard in range(waitlist.SHARDS)]
    found = {counter.pk: int(counter.value) for counter in Counter.batch_get(keys)}
    return [found.get(key[0], 0) for key in keys]


def legacy_value() -> int:
    try:
        return int(Counter.get(*waitlist.LEGACY).value)
    except Counter.DoesNotExist:
        return 0


def test_the_count_is_the_sum_of_the_shards_and_no_shard_takes_every_sign_up(cinq):
    # Given 40 parallel sign-ups
    before = shard_values()
    emails = [f"s{i}-{uuid.uuid4().hex[:6]}@example.com" for i in range(40)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        counts = [joined.count for joined in pool.map(waitlist.join, emails)]
    after = shard_values()
    # Then the shards moved by exactly 40, spread over several of them (no hot counter item)
    moved = [b - a for a, b in zip(before, after, strict=True)]
    assert sum(moved) == 40 and max(moved) < 40 and sum(1 for m in moved if m) >= 8
    # And every answer counted at least its own sign-up; the last read counts them all
    assert max(counts) == legacy_value() + sum(after) == waitlist.count().count


def test_the_single_counter_of_before_still_counts(cinq):
    # Given sign-ups counted by the one COUNTER#waitlist item before the counter was sharded
    before = waitlist.join(f"old-{uuid.uuid4().hex[:8]}@example.com").count
    Counter.ref(waitlist.COUNTER).update(actions=[Counter.value.add(1000)])
    time.sleep(waitlist.CACHE_SECONDS)  # what this environment read is older than that: it reads again
    # Then the count includes them, and a new sign-up adds one to the whole
    assert waitlist.join(f"new-{uuid.uuid4().hex[:8]}@example.com").count == before + 1001


def test_the_count_an_environment_answers_lags_by_a_second_at_most(cinq):
    # Given an environment that read the count, then a sign-up made elsewhere (another environment's shard write)
    seen = waitlist.count().count
    Counter.ref(waitlist.COUNTER, 0).update(actions=[Counter.value.add(1)])
    # Then it answers at least what it read, and the new count once CACHE_SECONDS have passed
    assert waitlist.count().count >= seen
    time.sleep(waitlist.CACHE_SECONDS)
    assert waitlist.count().count == seen + 1


def test_a_sign_up_answers_the_count_its_environment_read_plus_its_own_without_reading_the_shards(cinq):
    # Given an environment that read the count, and a sign-up made elsewhere since (another environment's shard)
    seen = waitlist.count().count
    started = time.monotonic()
    Counter.ref(waitlist.COUNTER, 0).update(actions=[Counter.value.add(1)])
    reads: list[str] = []
    events = aws.client("dynamodb").meta.events
    events.register("before-call.dynamodb.BatchGetItem", lambda **_: reads.append("BatchGetItem"), "count-reads")
    try:
        # When this environment signs someone up
        answer = waitlist.join(f"own-{uuid.uuid4().hex[:8]}@example.com").count
    finally:
        events.unregister("before-call.dynamodb.BatchGetItem", unique_id="count-reads")
    if time.monotonic() - started < waitlist.CACHE_SECONDS:
        # Then within the second it answers what it read plus its own sign-up, and reads no shard
        assert (answer, reads) == (seen + 1, [])
        assert waitlist.count().count == seen + 1
        time.sleep(waitlist.CACHE_SECONDS)
    else:  # a machine too slow for the second: it read the count again first (the other sign-up), then added its own
        assert (answer, reads) == (seen + 2, ["BatchGetItem"])
    # And once the second has passed, the count has both
    assert waitlist.count().count == seen + 2


def test_a_sign_up_whose_count_cannot_be_read_afterwards_is_still_answered_201(cinq, monkeypatch):
    # Given an environment that reads the count before each sign-up, then cannot read it after (throttled)
    monkeypatch.setattr(waitlist, "CACHE_SECONDS", 0)
    before = Client().call("waitlist_count").json["count"]
    email = f"wait-{uuid.uuid4().hex[:8]}@example.com"
    throttled = failing("dynamodb", "BatchGetItem", "ProvisionedThroughputExceededException", 400, skip=1)

    # When someone signs up
    with throttled as refused:
        joined = Client().call("waitlist_join", {"email": email})

    # Then the stored sign-up is answered (not a 503 whose retry would be a 409), with the count read before it
    # plus its own; the entry is there once, counted once
    assert refused[0] >= 1
    assert (joined.status, joined.json["count"]) == (201, before + 1)
    assert Client().call("waitlist_join", {"email": email}).status == 409
    assert Client().call("waitlist_count").json["count"] == before + 1
