#!/usr/bin/env bash
# Installs what the build, the tests and the benchmarks need, and nothing that is there already.
# Debian packages for C++, a project virtual environment for Python tools, and a separate
# virtual environment holding the reference implementation (a test oracle, never a dependency).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libblosc-dev libzstd-dev liblz4-dev zlib1g-dev libbz2-dev liblzma-dev
  libmsgpack-dev libssl-dev libcurl4-openssl-dev libpugixml-dev libcli11-dev libfmt-dev nlohmann-json3-dev libhowardhinnant-date-dev
  libgtest-dev librapidcheck-dev libbenchmark-dev
)

# The fuzz targets need clang and its libFuzzer and sanitizer runtimes.
if [ "${1:-}" = "--with-fuzz" ]; then
  APT_PACKAGES+=(clang libclang-rt-14-dev)
fi

# The benchmark's PostgreSQL peer (make bench) runs Debian's server; its command-line
# peers measure peak memory with GNU time.
if [ "${1:-}" = "--with-bench" ]; then
  APT_PACKAGES+=(postgresql time)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# MinIO, the S3 server the tests check our protocol against: built once from the Go module
# proxy with the machine's Go (about 2 to 4 minutes and 2 GB of modules the first time),
# at the pinned version, and kept in ~/.cache/lakota-tools for every clone to reuse.
if [ "${1:-}" = "--with-minio" ]; then
  version=$(cat scripts/minio.version)
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/lakota-tools/minio-$version"
  if [ ! -x "$dir/minio" ]; then
    command -v go >/dev/null || { echo "setup: Go is needed to build MinIO (go install)"; exit 1; }
    echo "setup: building MinIO $version with $(go version | cut -d' ' -f3) (once; a few minutes)"
    mkdir -p "$dir"
    GOBIN="$dir" GOFLAGS=-mod=mod go install "github.com/minio/minio@$version"
  fi
  exit 0
fi

# The benchmark's peers (bench/suite.py): ArcticDB, pyarrow, DuckDB and psycopg in a virtual
# environment of their own (.venv-peers), at the versions the published figures were
# measured with; matplotlib in .venv for the charts (make bench-plot).
if [ "${1:-}" = "--with-bench" ]; then
  PY=${PYTHON:-python3}
  [ -x .venv/bin/python ] || scripts/setup.sh --with-python
  PEER_PINS=("arcticdb==6.28.2" "pyarrow==26.0.1" "duckdb==2.0.0" "psycopg[binary]==3.3.9" "pandas==2.3.3" "numpy==2.4.6")
  if ! .venv-peers/bin/python -c "import arcticdb, pyarrow, duckdb, psycopg, pandas, numpy, sys; sys.exit(arcticdb.__version__ != '6.28.2')" 2>/dev/null; then
    [ -x .venv-peers/bin/python ] || "$PY" -m venv .venv-peers
    .venv-peers/bin/pip install -q "${PEER_PINS[@]}"
  fi
  .venv/bin/python -c "import matplotlib" 2>/dev/null || .venv/bin/pip install -q "matplotlib==3.11.2"
  exit 0
fi

if [ "${1:-}" = "--with-python" ]; then
  PY=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
  fi
  # Test tools, and what the Python package builds with (nanobind, scikit-build-core) and
  # works with (numpy; pandas and pyarrow are optional for users, tested here).
  # polars and duckdb read our frames through the Arrow PyCapsule interface in the tests.
  # moto (server mode) and boto3: an S3 server for the tests, and botocore's signer as the
  # oracle of ours.
  PY_TOOLS=(pytest nanobind scikit-build-core numpy pandas pyarrow polars duckdb "moto[server]" boto3)
  .venv/bin/python -c "import pytest, nanobind, scikit_build_core, numpy, pandas, pyarrow, polars, duckdb, moto.server, boto3" 2>/dev/null ||
    .venv/bin/pip install -q "${PY_TOOLS[@]}"
  # The oldest numpy and pandas the package supports, to test it with them too.
  # (pyarrow 14: the first with the Arrow PyCapsule interface.)
  OLD_PINS=("numpy==1.24.*" "pandas==1.5.*" "pyarrow==14.*" pytest)
  if ! .venv-old/bin/python -c "import numpy, pandas, pyarrow, pytest, sys; sys.exit(not numpy.__version__.startswith('1.24'))" 2>/dev/null; then
    [ -x .venv-old/bin/python ] || "$PY" -m venv .venv-old
    .venv-old/bin/pip install -q "${OLD_PINS[@]}"
  fi
  # The reference implementation, pinned to libraries of its time (numpy<2, pandas<2.1).
  # numcodecs 0.13.1 bundles libzstd 1.5.6, whose level-1 output matches the corpus's
  # (1.5.4); tests/ref_env.py restores the zstd level of the reference's time (1).
  # boto3 of the reference's time for its S3 pod (the differential tests on S3).
  REF_PINS=("lakota==0.7.1" "numpy<2" "pandas<2.1" "numcodecs==0.13.1" "boto3==1.24.*")
  if [ ! -x .venv-ref/bin/python ] ||
     ! .venv-ref/bin/python -c "import lakota, numcodecs, boto3, sys; sys.exit(numcodecs.__version__ != '0.13.1')" 2>/dev/null; then
    [ -x .venv-ref/bin/python ] || "$PY" -m venv .venv-ref
    .venv-ref/bin/pip install -q "${REF_PINS[@]}"
  fi
fi
