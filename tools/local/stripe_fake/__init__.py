"""A stateful Stripe API subset for `make run` and the tests: localstripe, extended where our code needs more.

localstripe keeps customers, plans, payment methods, subscriptions, invoices and events (older API shape:
`current_period_end` on the subscription, `plan` on items). This package adds what it lacks:

- resources: prices (each also a plan with the same id, as on Stripe), Checkout and Billing Portal sessions,
  `invoice.paid` and `customer.subscription.updated` events, a clock that moves forward;
- runtime: StripeFake, localstripe served from a background loop, webhooks delivered in order with retries,
  every delivery kept with its answer (and resent on demand);
- pages: the checkout, portal and hosted-invoice pages and the dev console's Stripe routes.

It patches localstripe's internals, so it refuses any localstripe but the one it was written against (pinned
in pyproject.toml / uv.lock): upgrading it means checking the patches in resources.py again.
"""

from __future__ import annotations

from importlib.metadata import version

LOCALSTRIPE_VERSION = "1.15.10"

if (_installed := version("localstripe")) != LOCALSTRIPE_VERSION:
    raise ImportError(
        f"tools.local.stripe_fake patches localstripe {LOCALSTRIPE_VERSION} but {_installed} is installed: "
        "run `make venv` (uv.lock pins it), or check the patches in tools/local/stripe_fake/resources.py "
        "against the new version and update LOCALSTRIPE_VERSION"
    )

from tools.local.stripe_fake.pages import routes  # noqa: E402 - after the version check
from tools.local.stripe_fake.runtime import StripeFake  # noqa: E402

__all__ = ["LOCALSTRIPE_VERSION", "StripeFake", "routes"]
