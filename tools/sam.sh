#!/usr/bin/env bash
# SAM CLI from its own virtualenv (.tools/sam), with a real python3.13 first on PATH:
# `sam build` checks the runtime's interpreter and pyenv's shim fails that check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$root/tools/python313.sh")"
export PATH="$(dirname "$python"):$PATH" SAM_CLI_TELEMETRY=0
exec "$root/.tools/sam/bin/sam" "$@"
