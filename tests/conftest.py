"""Suite-wide defaults, set before any test module imports a handler.

Powertools reads its settings when a module creates its Logger/Metrics, as
Lambda's environment would provide them before the first import.
"""

import os

os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "tests")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# argon2 at the cheapest parameters it accepts: hundreds of hashes at the production ones cost ~20 s of CPU.
# The production parameters (shared.passwords' defaults) are checked once, in tests/unit/shared/test_passwords.py.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "8")
os.environ.setdefault("PASSWORD_HASH_PARALLELISM", "1")
