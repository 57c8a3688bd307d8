#!/usr/bin/env bash
# Prints the path of a real Python 3.13 interpreter (not pyenv's shim), or fails saying why.
set -euo pipefail
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$version/bin/python3.13")
  done
fi
candidates+=("$(command -v python3.13 || true)" /usr/local/bin/python3.13 /usr/bin/python3.13)
for python in "${candidates[@]}"; do
  if [ -n "$python" ] && [ -x "$python" ] && "$python" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
    echo "$python"
    exit 0
  fi
done
echo "Python 3.13 not found: install it (e.g. 'pyenv install 3.13') and retry" >&2
exit 1
