"""bank2xls: the DynamoDB calls one POST /api/credits/consume makes, by kind of caller.

The credits logic is called in this process with the function's environment against the
bench's moto, its calls recorded on botocore's events (tools.bench.recorder).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tools.bench import recorder
from tools.local import bootstrap
from tools.local.template import Template


def bench(template: Template, endpoint: str) -> None:
    print("\n== bank2xls: DynamoDB calls per POST /api/credits/consume (recorded on botocore's events)")
    with bootstrap.function_environment(template.functions["Bank2xlsCreditsConsumeFunction"], endpoint):
        from bank2xls import credits
        from bank2xls.models import UserItem
        from bank2xls.sessions import Caller

        now = datetime.now(UTC)
        UserItem("USER#bench", "PROFILE", user_id="bench", email="b@example.com", created_at=now, balance=1000).save()
        cases = {
            "anonymous (free daily)": (Caller("session_bench", "127.0.0.1"), None),
            "paid": (Caller("session_bench", "127.0.0.1", user_id="bench"), None),
            "paid with requestId": (Caller("session_bench", "127.0.0.1", user_id="bench"), "req-bench"),
        }
        for label, (caller, request_id) in cases.items():
            with recorder.recording() as calls:
                credits.consume(caller, "bank2xls_conversion", 1, request_id, None)
            operations = calls.operations("dynamodb")
            print(f"{label:<28} {len(operations)} calls: {', '.join(operations)}")
