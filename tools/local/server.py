"""`make run`: every API of template.yaml on its own port, without Docker.

moto serves the AWS services, the dev console the payment fakes, and each HTTP
API's routes invoke the real handlers in per-function worker processes with
the template's environment. Adding a route to the template is enough to serve it.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from moto.server import ThreadedMotoServer

from tools.local import bootstrap, console, gateway, seeds
from tools.local.btcpay import FakeBtcpay
from tools.local.functions_pool import FunctionPool
from tools.local.lightning import FakeWallet
from tools.local.local_values import BTCPAY_STORE_ID, CONSOLE_PORT, LOCAL_SECRETS, MOTO_PORT, STRIPE_PORT
from tools.local.moto_atomic import make_dynamodb_atomic
from tools.local.moto_fast import serialize_attribute_values_directly
from tools.local.provision import provision
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template


class LocalStack:
    def __init__(self, template: Template, moto_port: int = MOTO_PORT, console_port: int = CONSOLE_PORT) -> None:
        self.template = template
        self.endpoint = f"http://127.0.0.1:{moto_port}"
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        environment = bootstrap.local_aws_environment(self.endpoint)
        self.pools = {lid: FunctionPool(fn, environment) for lid, fn in template.functions.items()}
        self.wallet = FakeWallet(LOCAL_SECRETS["LightningApiKeySecret"])
        self.console_port = console_port
        self.stripe = StripeFake(port=STRIPE_PORT, console_url=f"http://127.0.0.1:{console_port}")
        self.btcpay = FakeBtcpay(
            BTCPAY_STORE_ID, LOCAL_SECRETS["BtcpayApiKeySecret"], public_url=f"http://127.0.0.1:{console_port}/btcpay"
        )
        self.servers: list[Any] = []

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        return self.pools[function].invoke(event)

    def start(self, warm: bool = False) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request lines
        make_dynamodb_atomic()
        serialize_attribute_values_directly()
        self.moto.start()
        provision(self.template, self.endpoint)
        seeds.seed_all(self.template, self.endpoint)
        self.stripe.start()
        self._configure_stripe()
        self._configure_btcpay()
        dev_console = console.Console(self.template, self.wallet, self.endpoint, self.stripe, self.btcpay)
        self.servers.append(console.serve(dev_console, self.console_port))
        for api in self.template.http_apis.values():
            self.servers.append(gateway.serve(api, self.invoke))
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
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
        self.stripe.stop()
        for server in self.servers:
            server.shutdown()
        for pool in self.pools.values():
            pool.stop()
        self.moto.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", action="store_true", help="start one worker per function up front")
    args = parser.parse_args()
    stack = LocalStack(Template())
    stack.start(warm=args.warm)
    print(f"moto (AWS)      {stack.endpoint}", file=sys.stderr)
    print(f"dev console     http://127.0.0.1:{stack.console_port}", file=sys.stderr)
    print(f"stripe (fake)   {stack.stripe.base_url}", file=sys.stderr)
    for api in stack.template.http_apis.values():
        print(f"{api.name:<15} http://127.0.0.1:{api.port}", file=sys.stderr)
    print("ready", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    stack.stop()


if __name__ == "__main__":
    main()
