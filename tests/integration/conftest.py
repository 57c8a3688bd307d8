"""Handlers invoked in-process with the events/ files, on moto and the protocol-compatible fakes.

Nothing of ours is patched: AWS is moto (mock_aws), the Lightning wallet is the
dev console's LNbits-compatible server on an ephemeral port, reached over HTTP.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from moto import mock_aws

from shared import aws
from tests.events import load_event, with_body
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


class Answer:
    """A handler's answer as its client reads it: names of headers in lower case, the body as bytes and text,
    and decoded when it is JSON."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result
        self.status: int = result["statusCode"]
        self.headers = {name.lower(): value for name, value in (result.get("headers") or {}).items()}
        self.cookies: list[str] = result.get("cookies") or []
        body = result.get("body") or ""
        self.content = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
        self.text = self.content.decode(errors="replace")
        is_json = self.headers.get("content-type", "").startswith("application/json")
        self.json: Any = json.loads(self.content or b"null") if is_json else None


class Client:
    """One caller of an API's handlers, each called in-process with its events/ file as API Gateway would
    deliver it, to the function the template routes its `routeKey` to.

    `source_ip` replaces the event's when given; once the client has a `token`, it goes as a bearer; the
    cookies its answers set go with the next calls, like a browser's.
    """

    api: ClassVar[str]

    def __init__(self, token: str | None = None, source_ip: str | None = None) -> None:
        self.token = token
        self.source_ip = source_ip
        self.jar: dict[str, str] = {}

    def call(
        self,
        name: str,
        body: Any = None,
        *,
        raw: str | None = None,
        query: Mapping[str, Any] | str | None = None,
        path: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        drop_headers: Iterable[str] = (),
    ) -> Answer:
        """The events/ file `name`, with: `body` as JSON (text as it is) or `raw` text, in the event's content
        type (else JSON); `query` parameters (a mapping, or a query string); `path` parameters filled into
        the route's path; `headers` added, `drop_headers` removed."""
        event = load_event(self.api, name)
        event["headers"].pop("authorization", None)
        if self.token:
            event["headers"]["authorization"] = f"Bearer {self.token}"
        event["headers"].update(headers or {})
        for header in drop_headers:
            event["headers"].pop(header, None)
        if raw is None and body is not None:
            raw = body if isinstance(body, str) else json.dumps(body)
        if raw is not None:
            with_body(event, raw, event["headers"].get("content-type", "application/json"))
        if query is not None:
            with_query(event, query)
        if path is not None:
            with_path(event, path)
        return self.invoke(event)

    def invoke(self, event: dict[str, Any], module: str | None = None) -> Answer:
        """The event to its handler (the template's for its routeKey, unless `module` names one)."""
        if self.source_ip:
            event["requestContext"]["http"]["sourceIp"] = self.source_ip
        if self.jar:
            event["cookies"] = [f"{key}={value}" for key, value in self.jar.items()]
        else:
            event.pop("cookies", None)
        module = module or handler_modules(self.api)[event["routeKey"]]
        handler = importlib.import_module(module).lambda_handler
        answer = Answer(handler(event, LambdaContext(module.rsplit(".", 1)[-1], 512, 15, "test")))
        for cookie in answer.cookies:
            key, _, rest = cookie.partition("=")
            if "Max-Age=0" in cookie:
                self.jar.pop(key, None)
            else:
                self.jar[key] = rest.split(";", 1)[0]
        return answer


@cache
def handler_modules(api: str) -> dict[str, str]:
    """Route key -> the handler module of the function the template routes it to."""
    template = Template()
    return {route.key: template.functions[route.function].module for route in template.api(api).routes}


def with_query(event: dict[str, Any], query: Mapping[str, Any] | str) -> None:
    """Query parameters as API Gateway passes them (raw as sent, none when empty)."""
    if isinstance(query, str):
        event["rawQueryString"] = query
        parameters = dict(part.split("=", 1) for part in query.split("&") if part)
    else:
        parameters = {name: str(value) for name, value in query.items()}
        event["rawQueryString"] = "&".join(f"{name}={value}" for name, value in parameters.items())
    if parameters:
        event["queryStringParameters"] = parameters
    else:
        event.pop("queryStringParameters", None)


def with_path(event: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Path parameters, filled into the routeKey's path (each percent-encoded, as a client sends it)."""
    route = event["routeKey"].split(" ", 1)[1]
    path = re.sub(r"\{(\w+)\+?\}", lambda found: quote(str(values[found.group(1)]), safe=""), route)
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["pathParameters"] = {name: str(value) for name, value in values.items()}


def fresh_ip() -> str:
    """An address of the benchmarking range, so one test's per-IP limits never touch another's."""
    return f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
