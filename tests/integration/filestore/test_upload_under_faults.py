"""An upload while storage or the database fail: filestore's 503 with Retry-After, a token a failed write did not
use up (released even when the database refuses the first try to release it), and a stored file that stands
when only spending its token failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from filestore.errors import ServiceUnavailable
from filestore.models import TransferToken
from filestore.transfers import CLAIM_LEASE
from shared.tokens import token_hash
from tests.faults import Killed, failing, killed_after
from tests.integration.filestore.conftest import (
    BAD_UPLOAD_TOKEN,
    Client,
    all_keys,
    member,
    sign_up,
    stored,
    unique_name,
)

UNAVAILABLE = {"message": ServiceUnavailable.message}


def test_a_write_storage_refused_is_a_503_and_the_token_is_released_even_through_a_throttled_release(filestore):
    # Given S3 refusing the write, and DynamoDB throttling the first try to release the token (the claim passes)
    user = member()
    token = user.upload_token("docs", "later.txt")
    with (
        failing("s3", "PutObject", "SlowDown", 503) as refused,
        failing("dynamodb", "UpdateItem", "ProvisionedThroughputExceededException", 400, times=1, skip=1) as throttled,
    ):
        answer = user.send(token, b"first try")
    # Then the documented unavailable answer, and nothing stored
    assert (answer.status, answer.json, answer.headers["retry-after"]) == (503, UNAVAILABLE, "5")
    assert refused[0] == 1 and throttled[0] == 1
    assert f"main/{user.id}/docs/later.txt" not in all_keys()
    # When the client retries at once, Then the token still buys its upload (it was released, not left leased)
    assert user.send(token, b"second try").status == 200
    assert stored(f"main/{user.id}/docs/later.txt")[0] == b"second try"


def test_a_stored_file_stands_when_spending_its_token_fails(filestore):
    # Given DynamoDB refusing every try to delete the spent token
    user = member()
    token = user.upload_token("docs", "kept.txt")
    with failing("dynamodb", "DeleteItem", "InternalServerError", 500) as refused:
        answer = user.send(token, b"kept")
    # Then the upload is answered as done (it is), after three tries to spend the token
    assert answer.status == 200 and refused[0] == 3
    assert stored(f"main/{user.id}/docs/kept.txt")[0] == b"kept"
    # And the token, still claimed, writes nothing more
    again = user.send(token, b"overwritten")
    assert (again.status, again.json) == (400, BAD_UPLOAD_TOKEN)
    assert stored(f"main/{user.id}/docs/kept.txt")[0] == b"kept"


def test_an_upload_stopped_after_claiming_its_token_is_finished_by_a_retry_once_the_lease_ends(filestore):
    # Given the function stopped (its timeout) right after claiming the token, before storing the file
    user = member()
    token = user.upload_token("docs", "stopped.txt")
    with killed_after(1, "UpdateItem"), pytest.raises(Killed):
        user.send(token, b"never stored")
    assert f"main/{user.id}/docs/stopped.txt" not in all_keys()
    # While the claim's lease runs, a retry is refused (the stopped upload might still be writing)
    assert user.send(token, b"too early").status == 400
    # When the lease has ended, Then the retry stores the file, once
    grant = TransferToken.get(f"UPLOAD#{token_hash(token)}", "TOKEN")
    grant.update(actions=[TransferToken.claimed_at.set(datetime.now(UTC) - CLAIM_LEASE - timedelta(seconds=1))])
    assert user.send(token, b"finished").status == 200
    assert stored(f"main/{user.id}/docs/stopped.txt")[0] == b"finished"
    assert user.send(token, b"again").status == 400


def test_a_sign_up_the_database_refused_leaves_no_account_and_the_retry_signs_up(filestore):
    # Given DynamoDB refusing the transaction that writes the account and its session
    username = unique_name("retry")
    with failing("dynamodb", "TransactWriteItems", "InternalServerError", 500) as refused:
        first = sign_up(username)
    # Then 503, and no account holds the username: the retry signs up (not "username taken")
    assert refused[0] == 1 and (first.status, first.json) == (503, UNAVAILABLE)
    again = sign_up(username)
    assert again.status == 200 and again.json["username"] == username
    assert Client(again.json["token"]).call("files_list", {"disk": "main", "folder": ""}).status == 200
