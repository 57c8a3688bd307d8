"""`make fuzz`: schemathesis with all checks against every served API, anonymous and signed in.

Prints requests, 5xx and check failures per API; exits 1 on any server error.
`python -m tools.fuzz --requests 1000` (per API; the suite runs a smaller budget).
"""

from __future__ import annotations

import argparse
import sys

from tools.fuzz.callers import credentials
from tools.fuzz.run import Tally, fuzz, table
from tools.local.running import EVERY_FUNCTION_WARM, local_stack, local_urls

# Signed-in runs leave out what would end the session they use.
KEEP_SESSION = {"invoice_api": ("/api/v1/logout",), "bank2xls": ("/api/auth/logout",)}


def fuzz_all(requests_per_api: int, apis: list[str] | None = None) -> list[Tally]:
    tallies = []
    for api, base in local_urls().items():
        if apis and api not in apis:
            continue
        tally = Tally(api)
        signed_in = credentials(api, base)
        # Half anonymous (refusals), half signed in (the endpoints themselves) where the API has sessions.
        share = requests_per_api // 2 if signed_in else requests_per_api
        fuzz(api, base, requests_wanted=share, tally=tally)
        if signed_in:
            ending = KEEP_SESSION.get(api, ())
            fuzz(api, base, requests_wanted=share, headers=signed_in, tally=tally, skip=ending.__contains__)
        print(table([tally]).splitlines()[-1], file=sys.stderr, flush=True)
        tallies.append(tally)
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="requests per API (default 1000)")
    parser.add_argument("--api", action="append", help="only this API (repeatable)")
    args = parser.parse_args()
    with local_stack(environments=EVERY_FUNCTION_WARM):
        tallies = fuzz_all(args.requests, args.api)
    print(table(tallies))
    for tally in tallies:
        for example, count in tally.examples.most_common(8):
            print(f"  {tally.api}: {example} ×{count}")
    sys.exit(1 if any(tally.server_errors for tally in tallies) else 0)


if __name__ == "__main__":
    main()
