"""shared.lifecycle: on Lambda a handler's import (INIT) makes its clients and reads its settings, calls
nothing, and makes nothing unique; after a SnapStart restore `random` is reseeded."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys

from shared import lifecycle
from tools.local import bootstrap
from tools.local.template import Template

# Run in a fresh interpreter: in this process the handler modules are imported already, without priming.
INIT = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
from shared import aws, passwords
from cinq.settings import settings
made = aws._client.cache_info().currsize
print(json.dumps({
    "session": aws.session.cache_info().currsize,
    "clients": made,
    # asking for each of them makes none: they were made at import
    "clients_after_asking": [aws.client(name) and aws._client.cache_info().currsize
                             for name in ("dynamodb", "secretsmanager")],
    "settings": settings.cache_info().currsize,
    "hasher": passwords._hasher.cache_info().currsize,
    "dummy_hash": passwords._dummy_hash.cache_info().currsize,
}))
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_on_lambda_a_handlers_import_makes_its_clients_and_settings_and_calls_nothing():
    # Given cinq's login function's environment, as on Lambda, with AWS unreachable (any call would fail)
    function = Template().functions["CinqAuthLoginFunction"]
    env = {
        **function.environment,
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "tests",
        "PYTHONPATH": bootstrap.pythonpath(),
        "PATH": "/usr/bin:/bin",
    }
    # When the handler module is imported (Lambda's INIT)
    done = subprocess.run(
        [sys.executable, "-c", INIT, function.module], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    primed = json.loads(done.stdout.splitlines()[-1])
    # Then one session and the clients its code uses exist, its settings and hasher are read, before any request
    assert primed["session"] == 1
    # dynamodb (pynamodb's and the throttle's) and secretsmanager; no SES: login sends no mail
    assert primed["clients"] == 2 and primed["clients_after_asking"] == [2, 2]
    assert primed["settings"] == 1 and primed["hasher"] == 1
    # And nothing unique was made (the dummy hash has a random salt: made on first use, after a restore)
    assert primed["dummy_hash"] == 0


def test_after_a_restore_random_is_reseeded():
    # Given the random state a snapshot would hold
    random.seed(20261130)
    from_snapshot = random.random()
    random.seed(20261130)
    # When the environment is restored
    lifecycle.after_restore()
    # Then it draws its own numbers
    assert random.random() != from_snapshot


def test_outside_lambda_nothing_is_primed_at_import(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert not lifecycle.on_lambda()
