"""Logger, tracer and metrics, configured by the POWERTOOLS_* variables of each function."""

import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import deadline, lifecycle

# Functions that publish no metric of their own still flush the cold-start one; that is fine.
warnings.filterwarnings("ignore", message="No application metrics to publish")

# X-Ray patches only what we call: botocore (every AWS client, pynamodb's included) and http.client, which
# urllib3 (LNbits, BTCPay) and requests (the stripe SDK) send through. Tracer() alone would patch_all, importing
# patchers for database drivers we do not have (~45 ms of a cold start).
TRACED_MODULES = ("botocore", "httplib")
# AWS calls get their subsegment from botocore's patch; not a second one from http.client under it.
AWS_CONNECTIONS = ("botocore.awsrequest.AWSHTTPConnection", "botocore.awsrequest.AWSHTTPSConnection")

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics()

if not tracer.disabled:
    from aws_xray_sdk.ext.httplib import add_ignored

    for _aws_connection in AWS_CONNECTIONS:
        add_ignored(subclass=_aws_connection)

__all__ = ["http_entrypoint", "logger", "metrics", "tracer"]


def http_entrypoint(app: Any) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda handler of an HTTP API function, instrumented the same way everywhere.

    Logger (with the HTTP API request id as correlation id) outermost, then the
    tracer (responses are not captured: they may carry personal data), then metrics. The invocation's deadline
    (`shared.deadline`) bounds every dependency call it makes.

    Called at the end of the handler's module, so every import is done: on Lambda this is INIT, and what the
    imported code registered with `shared.lifecycle.at_init` (clients, settings) is made now, into a SnapStart
    snapshot.
    """
    if lifecycle.on_lambda():
        lifecycle.prime()

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        deadline.begin(remaining() if callable(remaining) else None)
        try:
            return app.resolve(event, context)
        finally:
            deadline.end()

    return lambda_handler
