"""An upload while storage or the database fail: filestore's 503 with Retry-After, a token a failed write did not
use up (released even when the database refuses the first try to release it), and a stored file that stands
when only spending its token failed."""

from __future__ import annotations

from filestore.errors import ServiceUnavailable
from tests.faults import failing
from tests.integration.filestore.conftest import BAD_UPLOAD_TOKEN, all_keys, member, stored

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
