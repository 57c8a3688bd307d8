"""Handlers invoked in-process with the events/ files, on moto and the protocol-compatible fakes.

Nothing of ours is patched: AWS is moto (mock_aws), the Lightning wallet is the
dev console's LNbits-compatible server on an ephemeral port, reached over HTTP.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from moto import mock_aws

from shared import aws
from tools import iam
from tools.local import bootstrap
from tools.local.console import Console, serve
from tools.local.lightning import FakeWallet
from tools.local.local_values import CONSOLE_URL, LOCAL_SECRETS
from tools.local.moto_atomic import make_dynamodb_atomic
from tools.local.moto_fast import serialize_attribute_values_directly
from tools.local.provision import provision
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template
from tools.local.worker import LambdaContext

bootstrap.install()


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


@pytest.fixture(scope="session")
def iam_recorder(template: Template) -> Iterator[tuple[iam.Recorder, dict[str, iam.FunctionPolicy]]]:
    with iam.recording(template) as recorder:
        yield recorder, iam.function_policies(template)


@pytest.fixture(autouse=True)
def least_privilege(iam_recorder: tuple[iam.Recorder, dict[str, iam.FunctionPolicy]]) -> Iterator[None]:
    """Every AWS call a handler makes in the test is allowed by its function's IAM statements (moto checks none)."""
    recorder, policies = iam_recorder
    recorder.drain()
    yield
    missing = iam.violations(policies, recorder.drain())
    assert not missing, "template.yaml's IAM statements do not allow:\n" + "\n".join(missing)


@pytest.fixture(scope="session")
def aws_mock(template: Template) -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        patch.delenv(name, raising=False)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "tests",
    }.items():
        patch.setenv(name, value)
    make_dynamodb_atomic()
    serialize_attribute_values_directly()
    with mock_aws():
        aws.reset()
        provision(template)
        yield
    aws.reset()
    patch.undo()


@pytest.fixture(scope="session")
def wallet(aws_mock: None, template: Template) -> Iterator[tuple[FakeWallet, str]]:
    fake = FakeWallet(LOCAL_SECRETS["LightningApiKeySecret"])
    server = serve(Console(template, fake, aws_endpoint="http://127.0.0.1:1"), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}/lightning"
    server.shutdown()


def use_function_environment(
    monkeypatch: pytest.MonkeyPatch, template: Template, function: str, **overrides: str
) -> None:
    for name, value in {**template.functions[function].environment, **overrides}.items():
        monkeypatch.setenv(name, value)


class Receiver:
    """A webhook endpoint recording each delivery as it came: the raw body and its Stripe-Signature header."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, str]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    receiver.deliveries.append((body, self.headers["Stripe-Signature"]))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe"

    def matching(self, kind: str, **fields: Any) -> list[tuple[bytes, str]]:
        def matches(body: bytes) -> bool:
            event = json.loads(body)
            return event["type"] == kind and all(event["data"]["object"].get(k) == v for k, v in fields.items())

        return [(body, signature) for body, signature in self.deliveries if matches(body)]

    def wait_for(self, kind: str, nth: int = 1, **fields: Any) -> tuple[bytes, str]:
        """The nth delivery (1-based) of that event type whose object has those fields."""
        with self.arrived:
            found = self.arrived.wait_for(lambda: len(self.matching(kind, **fields)) >= nth, timeout=10)
            assert found, f"no delivery {nth} of {kind} {fields}"
            return self.matching(kind, **fields)[nth - 1]


@pytest.fixture(scope="session")
def stripe_receiver() -> Iterator[Receiver]:
    """Records the webhooks the Stripe fake sends (tests hand them to our handler, signature and all)."""
    receiver = Receiver()
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture(scope="session")
def stripe_fake(stripe_receiver: Receiver) -> Iterator[StripeFake]:
    """One per process: localstripe's state is global."""
    fake = StripeFake(port=0, console_url=CONSOLE_URL)
    fake.start()
    fake.register_webhook(stripe_receiver.url, LOCAL_SECRETS["StripeWebhookSecretSecret"])
    yield fake
    fake.stop()


class Invoker:
    """Calls a handler module's lambda_handler and decodes the JSON answer."""

    def __call__(self, module: str, event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
        handler = importlib.import_module(module).lambda_handler
        result = handler(event, LambdaContext(module, 512, 15, "test-request"))
        return result["statusCode"], json.loads(result["body"] or "null"), result.get("headers", {})


@pytest.fixture
def invoke() -> Invoker:
    return Invoker()
