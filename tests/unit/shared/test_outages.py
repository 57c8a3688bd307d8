"""What counts as "a dependency is unavailable" (the API's 503 / lnupload's success: false), decided on types
and error codes, through pynamodb's and Powertools' wrappers; a bug or a refused condition never counts."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import GetError, PutError, TransactWriteError

from shared import aws, outages
from shared.json_http import Unreachable


def client_error(code: str, status: int = 400, reasons: list[str] | None = None) -> ClientError:
    response: dict = {"Error": {"Code": code, "Message": "..."}, "ResponseMetadata": {"HTTPStatusCode": status}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, "Operation")


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ThrottlingException"),
        client_error("Throttling"),
        client_error("TooManyRequestsException", 429),
        client_error("SlowDown", 503),
        client_error("InternalServerError", 500),
        client_error("503", 503),  # a HEAD answer has no body: the status is the code
        client_error("TransactionCanceledException", 400, ["None", "ThrottlingError"]),
        client_error("TransactionCanceledException", 400, ["TransactionConflict", "None"]),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
        aws.DeadlineExceeded(operation="GetItem"),
        Unreachable("ReadTimeoutError"),
    ],
    ids=repr,
)
def test_throttling_server_errors_and_timeouts_are_unavailability(error):
    assert outages.unavailable(error)


def test_pynamodb_and_powertools_wrappers_are_looked_through():
    assert outages.unavailable(PutError("Failed to put item", client_error("ProvisionedThroughputExceededException")))
    assert outages.unavailable(GetError("Failed to get item", ReadTimeoutError(endpoint_url="x")))
    assert outages.unavailable(TransactWriteError("Failed", client_error("InternalServerError", 500)))
    try:
        try:
            raise client_error("ThrottlingException")
        except ClientError as exc:
            raise GetParameterError(str(exc))  # noqa: B904 - as Powertools does: the cause is the context
    except GetParameterError as wrapped:
        assert outages.unavailable(wrapped)


@pytest.mark.parametrize(
    "error",
    [
        client_error("ConditionalCheckFailedException"),
        client_error("TransactionCanceledException", 400, ["ConditionalCheckFailed", "None"]),
        client_error("ValidationException"),
        client_error("NoSuchKey", 404),
        client_error("AccessDeniedException"),
        PutError("Failed to put item", client_error("ConditionalCheckFailedException")),
        RuntimeError("a bug"),
        KeyError("missing"),
    ],
    ids=repr,
)
def test_refusals_and_bugs_are_not(error):
    assert not outages.unavailable(error)


def test_retrying_tries_again_only_while_unavailable_and_gives_up_after_its_tries():
    calls: list[int] = []

    def flaky(failures: int, error: Exception):
        def operation() -> str:
            calls.append(1)
            if len(calls) <= failures:
                raise error
            return "done"

        return operation

    assert outages.retrying(flaky(2, client_error("ThrottlingException"))) == "done" and len(calls) == 3
    calls.clear()
    with pytest.raises(ClientError):
        outages.retrying(flaky(3, client_error("ThrottlingException")))
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(ClientError):  # a refusal or a bug is not tried again
        outages.retrying(flaky(1, client_error("ConditionalCheckFailedException")))
    assert len(calls) == 1
