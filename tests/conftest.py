"""Suite-wide defaults, set before any test module imports a handler.

Powertools reads its settings when a module creates its Logger/Metrics, as
Lambda's environment would provide them before the first import.
"""

import os

os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "tests")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
