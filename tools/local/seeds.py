"""Demo data every fresh local run has, written through each API's own logic (never raw items).

- cinq: the spec's example gift code CINQ-A1B2-C3D4-E5F6 (15.00 EUR), so its curl flow works verbatim;
- invoice_api: the spec's three users and a few dozen invoices (tools/seed.py, also `make seed`).
"""

from __future__ import annotations

import importlib

from tools import seed
from tools.local import bootstrap
from tools.local.template import Template

CINQ_DEMO_CODE = "CINQ-A1B2-C3D4-E5F6"


def seed_all(template: Template, endpoint: str) -> None:
    seed.seed_demo(template, endpoint)
    with bootstrap.function_environment(template.functions["CinqGiftCreateFunction"], endpoint):
        gifts = importlib.import_module("cinq.gifts")
        dynamo = importlib.import_module("shared.dynamo")
        _code, gift = gifts.draft(
            amount_cents=1500,
            currency="EUR",
            expires_days=730,
            source="admin",
            code=CINQ_DEMO_CODE,
            purchase_order_id="demo",
        )
        dynamo.applied(lambda: gift.save(condition=gift.__class__.pk.does_not_exist()))
        importlib.import_module("shared.aws").reset()
