#!/usr/bin/env bash
# Benchmarks of the engine (see bench/bench.cc); LAKOTA_FSYNC from the environment is ignored
# there: each file-pod figure says whether fsync was on.
set -euo pipefail
BUILD=${1:-build}
unset LAKOTA_FSYNC
"$BUILD/lakota_bench" "${ROWS:-10000000}" "${APPENDS:-1000}"
if [ -x .venv-ref/bin/python ]; then
  .venv-ref/bin/python bench/bench_ref.py "${ROWS:-10000000}" "${APPENDS:-1000}"
fi
echo "# The Python package (bench/bench_python.py):"
.venv/bin/python bench/bench_python.py "${ROWS:-10000000}"
echo "# S3 on loopback MinIO (bench/bench_s3.py):"
scripts/setup.sh --with-minio
LAKOTA_REF_PYTHON=.venv-ref/bin/python .venv/bin/python tests/servers.py run -- \
  .venv/bin/python bench/bench_s3.py "${ROWS:-10000000}" "${APPENDS:-1000}"
