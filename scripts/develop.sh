#!/usr/bin/env bash
# Installs the in-place build into .venv in development mode: a .pth entry puts python/
# (where the build writes lakota/_native*.so beside the package's .py files) on .venv's
# path, and .venv/bin/lakota is the command line of this build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ -x .venv/bin/python ] || exit 0
site=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
echo "$PWD/python" > "$site/lakota-develop.pth"
ln -sf "$PWD/$BUILD/lakota" .venv/bin/lakota
