#!/usr/bin/env bash
# SAM CLI from its own virtualenv (.tools/sam), with a real python3.13 first on PATH:
# `sam build` checks the runtime's interpreter and pyenv's shim fails that check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/tools/python313.sh")"
export PATH="$(dirname "$python"):$PATH" SAM_CLI_TELEMETRY=0
# The makefile builds (functions/Makefile, layers/shared/Makefile) pip-install and compile with
# the SAM CLI's own python3.13, which has pip on every machine (a distribution's python3.13 may not).
export BUILD_PYTHON="$root/.tools/sam/bin/python"
exec "$root/.tools/sam/bin/sam" "$@"
