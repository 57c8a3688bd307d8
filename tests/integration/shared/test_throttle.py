"""shared.throttle on moto: failures counted per subject, each count one conditional update."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import aws, throttle

STRICT = throttle.Limit("test-strict", 3, 900, block_seconds=3600, reset_on_success=True)
CEILING = throttle.Limit("test-ceiling", 5, 3600)


class Guess(Exception):
    pass


class Refusal(Exception):
    pass


@pytest.fixture(scope="module")
def table(aws_mock: None) -> Iterator[str]:
    name = f"ThrottleTable-{uuid.uuid4().hex[:8]}"
    aws.client("dynamodb").create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield name


def subject() -> str:
    return f"203.0.113.{uuid.uuid4().int % 250}#{uuid.uuid4().hex[:6]}"


def attempt(table: str, counters: list[tuple[throttle.Limit, str]], outcome: str) -> str:
    """One guarded attempt that fails ('guess'), is refused for another reason ('refusal') or succeeds ('ok')."""

    def run() -> str:
        if outcome == "guess":
            raise Guess()
        if outcome == "refusal":
            raise Refusal()
        return "ok"

    try:
        return throttle.guarded(table, counters, run, failures=(Guess,))
    except Guess:
        return "guess"
    except Refusal:
        return "refusal"
    except throttle.Throttled as refused:
        return f"429:{refused.retry_after}"


def stored(table: str, limit: throttle.Limit, who: str) -> dict:
    return aws.client("dynamodb").get_item(TableName=table, Key=limit.key(who), ConsistentRead=True).get("Item", {})


def test_the_failure_that_reaches_the_limit_answers_then_the_next_attempt_is_blocked(table):
    # Given a limit of 3 failures that blocks for an hour
    who = subject()
    # When 3 guesses fail, Then each gets its own answer, and the 4th attempt is refused for an hour
    assert [attempt(table, [(STRICT, who)], "guess") for _ in range(3)] == ["guess"] * 3
    refused = attempt(table, [(STRICT, who)], "ok")
    assert refused in ("429:3600", "429:3599")
    # And the subject is stored hashed
    assert who not in str(stored(table, STRICT, who))


def test_a_success_resets_where_the_limit_says_so_and_gives_its_count_back_elsewhere(table):
    # Given one subject under a resetting limit and a ceiling
    who = subject()
    counters = [(CEILING, who), (STRICT, who)]
    # When 2 guesses fail then one attempt succeeds, twice over
    for _ in range(2):
        assert [attempt(table, counters, o) for o in ("guess", "guess", "ok")] == ["guess", "guess", "ok"]
    # Then the resetting counter is back to 0, the ceiling kept the 4 failures (not the successes)
    assert stored(table, STRICT, who)["failures"]["N"] == "0"
    assert stored(table, CEILING, who)["failures"]["N"] == "4"
    # And the ceiling's 5th failure answers, after which it refuses until its window ends
    assert attempt(table, counters, "guess") == "guess"
    refused = attempt(table, counters, "ok")
    assert refused.startswith("429:") and 3590 < int(refused[4:]) <= 3600


def test_refusals_that_are_not_guesses_give_their_count_back(table):
    who = subject()
    assert [attempt(table, [(STRICT, who)], "refusal") for _ in range(5)] == ["refusal"] * 5
    assert stored(table, STRICT, who)["failures"]["N"] == "0"


def test_a_refused_attempt_counts_nowhere(table):
    # Given a subject blocked on one limit but not the other
    who, other = subject(), subject()
    for _ in range(3):
        attempt(table, [(STRICT, who)], "guess")
    # When attempts name both, Then they are refused and the other counter keeps nothing from them
    assert all(attempt(table, [(CEILING, other), (STRICT, who)], "guess").startswith("429:") for _ in range(4))
    assert stored(table, CEILING, other)["failures"]["N"] == "0"


def test_after_the_block_and_the_window_a_new_window_opens(table):
    # Given a blocked subject
    who = subject()
    for _ in range(3):
        attempt(table, [(STRICT, who)], "guess")
    assert attempt(table, [(STRICT, who)], "ok").startswith("429:")
    # When its block and window are over (moved into the past)
    aws.client("dynamodb").update_item(
        TableName=table,
        Key=STRICT.key(who),
        UpdateExpression="SET blocked_until = :past, window_end = :past",
        ExpressionAttributeValues={":past": {"N": "1000"}},
    )
    # Then it may try again, in a fresh window
    assert attempt(table, [(STRICT, who)], "guess") == "guess"
    assert stored(table, STRICT, who)["failures"]["N"] == "1"


def test_thirty_two_parallel_guesses_check_no_more_than_the_limit(table):
    # Given one subject with 3 failures allowed, When 32 guesses race
    who = subject()
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda _: attempt(table, [(STRICT, who)], "guess"), range(32)))
    # Then exactly 3 were checked, the others refused
    assert outcomes.count("guess") == 3
    assert all(outcome.startswith("429:") for outcome in outcomes if outcome != "guess")
    assert stored(table, STRICT, who)["failures"]["N"] == "3"


def test_parallel_successes_leave_the_ceiling_untouched(table):
    who = subject()
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: attempt(table, [(CEILING, who)], "ok"), range(8)))
    assert outcomes.count("ok") >= CEILING.max_failures  # in flight, a success holds a count until it settles
    assert stored(table, CEILING, who)["failures"]["N"] == "0"


def test_attempts_still_running_hold_their_place_and_one_more_is_told_to_retry_in_a_second(table):
    # Given as many attempts running at once as the limit allows
    who = subject()
    running, release = threading.Barrier(STRICT.max_failures + 1), threading.Event()

    def slow_success() -> str:
        running.wait()
        release.wait(10)
        return "ok"

    with ThreadPoolExecutor(max_workers=STRICT.max_failures) as pool:
        slow = [
            pool.submit(throttle.guarded, table, [(STRICT, who)], slow_success, failures=(Guess,))
            for _ in range(STRICT.max_failures)
        ]
        running.wait()
        # When one more comes, Then it is refused for a second only (no failure has happened)
        assert attempt(table, [(STRICT, who)], "guess") == "429:1"
        release.set()
        assert [future.result() for future in slow] == ["ok"] * STRICT.max_failures
    # And once they succeeded, nothing is counted
    item = stored(table, STRICT, who)
    assert (item["failures"]["N"], item["pending"]["N"]) == ("0", "0")
    assert attempt(table, [(STRICT, who)], "guess") == "guess"
