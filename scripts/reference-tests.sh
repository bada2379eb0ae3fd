#!/usr/bin/env bash
# The reference implementation's own test suite (../shared/reference-tests), run against
# our package from a temporary copy. Its conftest's pod fixture is limited to the pods we
# have (file, memory): the HTTP and S3 fixtures and their imports are dropped, nothing
# else is changed. Extra arguments go to pytest (-k, -x, ...).
#   PYTHON: the interpreter whose `lakota` is tested (default: the project's .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/reference-tests
if [ ! -d "$src" ]; then
  echo "reference-tests: $src is not there (it is beside a clone of the project): skipped"
  exit 0
fi
PY=${PYTHON:-.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src"/*.py "$tmp"/
"$PY" - "$tmp/conftest.py" <<'PYEOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
for name in ("import requests\n", "from botocore.session import Session\n", "from moto import mock_s3\n"):
    assert name in text, name
    text = text.replace(name, "")
text = text.replace('def pod(request, http_server, moto_server):', 'def pod(request):')
params = re.search(r'params = \[.*?\]', text, re.S).group(0)
text = text.replace(params, 'params = ["file", "memory"]')
# The fixtures of the servers we do not start go (their functions stay unused otherwise).
text = re.sub(r'@pytest.fixture\(scope="session"\)\ndef (http_server|moto_server)\(\):', r'def _unused_\1():', text)
open(path, "w").write(text)
PYEOF
# Not run: tests of the reference's internals, of features to come, and of behaviours we
# deliberately differ on (README, "Differences from the reference").
NOT_RUN=(
  pod_test.py::test_mempod_lru                 # the memory pod's LRU fields (internals)
  frame_test.py::test_mask                     # query expressions: to come
  frame_test.py::test_reduce_agg               # query expressions: to come
  frame_test.py::test_reduce_without_agg       # query expressions: to come
  schema_test.py::test_simple_codec            # pandas 2 removed date_range(closed=)
  repo_test.py::test_refresh                   # expects a stale listing; ours are never stale
  "pod_test.py::test_write_delete[memory]"     # our memory pod keeps no empty folder (as S3)
  "pod_test.py::test_write_rm_many[memory]"    # idem
)
# Pass with auto-merge off (LAKOTA_AUTO_MERGE=0), as the reference behaves: run so below.
AUTO_MERGE=(
  collection_test.py::test_merge
  collection_test.py::test_merge_concurrent
  "sync_test.py::test_pull[False-True]"
  "sync_test.py::test_pull[True-True]"
)
deselect=()
for t in "${NOT_RUN[@]}" "${AUTO_MERGE[@]}"; do deselect+=(--deselect "$t"); done
cd "$tmp"
export PYTHONPATH="$OLDPWD/python${PYTHONPATH:+:$PYTHONPATH}"
PY="$OLDPWD/$PY"
"$PY" -m pytest -p no:cacheprovider "${deselect[@]}" "$@"
echo "reference-tests: with LAKOTA_AUTO_MERGE=0, the tests that expect heads to stay unmerged:"
LAKOTA_AUTO_MERGE=0 "$PY" -m pytest -p no:cacheprovider "$@" "${AUTO_MERGE[@]}"
