#!/usr/bin/env bash
# uv, pinned, from its own virtualenv (.tools/uv), installed from PyPI on first use: the project's
# virtualenv is made from uv.lock (`uv sync --frozen`), and the layer's pins are exported from it.
set -euo pipefail
UV_VERSION="0.13.9"
root="$(cd "$(dirname "$0")/.." && pwd)"
home="$root/.tools/uv"
if [ "$("$home/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  python="$("$root/tools/python313.sh")"
  test -x "$home/bin/pip" || "$python" -m venv "$home" >&2
  "$home/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION" >&2
fi
# Never download an interpreter (tools/python313.sh finds the one to use) and never touch the user's
# other projects: the environment is the project's .venv unless the caller says otherwise.
export UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="${UV_PROJECT_ENVIRONMENT:-$root/.venv}"
exec "$home/bin/uv" "$@"
