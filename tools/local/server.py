"""`make run`: every API of template.yaml on its own port, without Docker.

moto serves the AWS services, the dev console the payment fakes, and each HTTP
API's routes invoke the real handlers in per-function worker processes with
the template's environment. Adding a route to the template is enough to serve it.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import signal
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from moto.server import ThreadedMotoServer

from tools import seed
from tools.local import bootstrap, console, gateway
from tools.local.btcpay import FakeBtcpay
from tools.local.faults import FaultProxy, Rules
from tools.local.functions_pool import IDLE_TIMEOUT, MAX_TOTAL, Environments, FunctionPool, Invocation
from tools.local.lightning import FakeWallet
from tools.local.local_values import (
    BTCPAY_STORE_ID,
    CONSOLE_PORT,
    FAULTS_PORT,
    LOCAL_SECRETS,
    MOTO_PORT,
    STRIPE_PORT,
)
from tools.local.logs import LogSink
from tools.local.moto_atomic import make_dynamodb_atomic
from tools.local.moto_fast import serialize_attribute_values_directly
from tools.local.provision import provision
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template


class PortInUse(OSError):
    """A port the stack needs is taken: nothing has been started."""

    def __init__(self, port: int, owner: str) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"port {port} ({owner}) is in use — is another `make run` running? Stop it or free the port.",
        )
        self.port, self.owner = port, owner

    def __str__(self) -> str:
        return str(self.strerror)


def check_ports(ports: dict[int, str], host: str = "127.0.0.1") -> None:
    """Raises PortInUse for the first port of `ports` ({port: what uses it}) that cannot be bound."""
    for port, owner in ports.items():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no owner
            try:
                sock.bind((host, port))
            except OSError as error:
                if error.errno in (errno.EADDRINUSE, errno.EACCES):
                    raise PortInUse(port, owner) from None
                raise


class LocalStack:
    def __init__(
        self,
        template: Template,
        moto_port: int = MOTO_PORT,
        console_port: int = CONSOLE_PORT,
        log: LogSink | None = None,
        environments: Environments | None = None,
        faults: bool = False,
        faults_port: int = FAULTS_PORT,
    ) -> None:
        self.template = template
        self.moto_port = moto_port
        self.endpoint = f"http://127.0.0.1:{moto_port}"
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        # With faults on, the functions reach AWS through the fault proxy; the stack's own tools reach moto.
        self.faults = Rules() if faults else None
        self.proxy = FaultProxy(moto_port, faults_port, self.faults) if self.faults is not None else None
        environment = bootstrap.local_aws_environment(self.proxy.endpoint if self.proxy else self.endpoint)
        self.log = log
        self.environments = environments or Environments()
        self.pools = {
            lid: FunctionPool(fn, environment, environments=self.environments, log=log.function_line if log else None)
            for lid, fn in template.functions.items()
        }
        self.wallet = FakeWallet(LOCAL_SECRETS["LightningApiKeySecret"])
        self.console_port = console_port
        self.stripe = StripeFake(port=STRIPE_PORT, console_url=f"http://127.0.0.1:{console_port}", faults=self.faults)
        self.btcpay = FakeBtcpay(
            BTCPAY_STORE_ID, LOCAL_SECRETS["BtcpayApiKeySecret"], public_url=f"http://127.0.0.1:{console_port}/btcpay"
        )
        self.servers: list[Any] = []

    def invoke(self, function: str, event: dict[str, Any]) -> Invocation:
        return self.pools[function].call(event)

    def ports(self) -> dict[int, str]:
        """Every port the stack binds, and what for."""
        ports = {self.moto_port: "moto, the AWS endpoint", self.stripe.port: "Stripe fake"}
        if self.proxy is not None:
            ports[self.proxy.port] = "fault proxy"
        ports[self.console_port] = "dev console"
        ports.update({api.port: api.name for api in self.template.http_apis.values()})
        return ports

    def start(self, warm: bool = False) -> None:
        """Raises PortInUse (an OSError) before starting anything when a port is taken."""
        check_ports(self.ports())
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request lines
        make_dynamodb_atomic()
        serialize_attribute_values_directly()
        self.moto.start()
        if self.proxy is not None:
            self.proxy.start()
        provision(self.template, self.endpoint)
        seed.seed_demo(self.template, self.endpoint)
        self.stripe.start()
        self._configure_stripe()
        self._configure_btcpay()
        dev_console = console.Console(
            self.template, self.wallet, self.endpoint, self.stripe, self.btcpay, faults=self.faults
        )
        self.servers.append(console.serve(dev_console, self.console_port))
        for api in self.template.http_apis.values():
            self.servers.append(gateway.serve(api, self.invoke, log=self.log))
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.environments.start_reaper()
        if warm:
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(lambda p: p.warm(), self.pools.values()))

    def _configure_stripe(self) -> None:
        """Prices for every configured plan, and webhooks to every Stripe webhook route of the template."""
        for function in self.template.functions.values():
            for plan in json.loads(function.environment.get("PLANS", "{}")).values():
                self.stripe.ensure_price(plan["lookupKey"], plan["amount"], plan["currency"], "month", plan["name"])
        for api in self.template.http_apis.values():
            for route in api.routes:
                if route.path.endswith("/webhooks/stripe"):
                    url = f"http://127.0.0.1:{api.port}{route.path}"
                    self.stripe.register_webhook(url, LOCAL_SECRETS["StripeWebhookSecretSecret"])

    def _configure_btcpay(self) -> None:
        """The store's webhook goes to every /api/btcpay-webhook route of the template."""
        for api in self.template.http_apis.values():
            for route in api.routes:
                if route.path.endswith("/btcpay-webhook") and route.path.startswith("/api/"):
                    url = f"http://127.0.0.1:{api.port}{route.path}"
                    self.btcpay.register_webhook(url, LOCAL_SECRETS["BtcpayWebhookSecretSecret"])

    def stop(self) -> None:
        self.environments.stop_reaper()
        self.stripe.stop()
        for server in self.servers:
            server.shutdown()
        for pool in self.pools.values():
            pool.stop()
        if self.proxy is not None:
            self.proxy.stop()
        self.moto.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", action="store_true", help="start one worker per function up front")
    parser.add_argument("--json-logs", action="store_true", help="functions' log lines unchanged, access log as JSON")
    parser.add_argument(
        "--idle-seconds", type=float, default=IDLE_TIMEOUT, help="stop an environment idle this long (default 300)"
    )
    parser.add_argument(
        "--max-environments", type=int, default=MAX_TOTAL, help="live environments of all functions (default 24)"
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help=f"functions reach AWS through the fault proxy (:{FAULTS_PORT}); rules from the console's /faults",
    )
    args = parser.parse_args()
    log = LogSink(json_mode=args.json_logs)
    environments = Environments(args.max_environments, args.idle_seconds)
    stack = LocalStack(Template(), log=log, environments=environments, faults=args.faults)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stack.start(warm=args.warm)
    except PortInUse as taken:
        print(f"make run: {taken}", file=sys.stderr)
        sys.exit(2)
    except (KeyboardInterrupt, Exception) as failure:
        with contextlib.suppress(Exception):  # stop what did start; the failure is what matters
            stack.stop()
        if isinstance(failure, KeyboardInterrupt):
            sys.exit(130)
        raise
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"moto (AWS)      {stack.endpoint}", file=sys.stderr)
    if stack.proxy is not None:
        print(f"fault proxy     {stack.proxy.endpoint}   (rules: {stack.console_port}/faults)", file=sys.stderr)
    print(f"dev console     http://127.0.0.1:{stack.console_port}", file=sys.stderr)
    print(f"stripe (fake)   {stack.stripe.base_url}", file=sys.stderr)
    for api in stack.template.http_apis.values():
        print(f"{api.name:<15} http://127.0.0.1:{api.port}   (docs: /docs)", file=sys.stderr)
    print(
        f"environments: at most {args.max_environments}, stopped after {args.idle_seconds:g} s idle; "
        f"logs: {'JSON' if args.json_logs else 'pretty (make run LOG=json for JSON)'}",
        file=sys.stderr,
    )
    print("ready", file=sys.stderr, flush=True)
    stop.wait()
    stack.stop()


if __name__ == "__main__":
    main()
