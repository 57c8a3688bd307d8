"""Fault injection for the local stack: a proxy in front of moto and switches on the payment fakes.

- rules.py: `{service, operation, error, rate, latency_ms}` rules and what they injected;
- aws.py: the AWS protocols, just enough to name a call and fail it as the service would;
- proxy.py: the reverse proxy in front of moto (`make run FAULTS=1`; the tests' stack);
- fakes.py: the same rules on the Lightning wallet, the BTCPay store and the Stripe fake;
- console.py: the dev console's `/faults` JSON routes; client.py: the helper for tests and `make chaos`.
"""

from tools.local.faults.proxy import FaultProxy
from tools.local.faults.rules import Decision, InvalidRule, Rule, Rules

__all__ = ["Decision", "FaultProxy", "InvalidRule", "Rule", "Rules"]
