#!/usr/bin/env bash
# The quickstarts: the seed README's Python script verbatim (examples/quickstart.py), in a
# fresh folder so that it runs again and again; then the same through the command line (a
# repository in a local folder, a collection, four rows written, strings and integers cast
# by the schema, read back up to 2020-01-03, which the default closed=LEFT excludes); then
# the C++ API.
set -euo pipefail
LAKOTA=${1:-build/lakota}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "# The seed's quickstart (examples/quickstart.py), with our package:"
echo "\$ python quickstart.py"
(cd "$dir" && "$root/.venv/bin/python" "$root/examples/quickstart.py")
rm -rf "$dir/my-data-folder"
echo
echo "# The same with the command line:"
repo="$dir/my-data-folder"
run() { printf "\$ lakota"; printf " %q" "${@:2}"; echo; "$@"; }
run "$LAKOTA" -r "$repo" create temperature "timestamp timestamp*" "value float"
printf 'timestamp,value\n2020-01-01T00:00,1\n2020-01-02T00:00,2\n2020-01-03T00:00,3\n2020-01-04T00:00,4\n' > "$dir/input.csv"
echo "\$ cat input.csv | lakota -r my-data-folder write temperature/Brussels"
"$LAKOTA" -r "$repo" write temperature/Brussels < "$dir/input.csv"
run "$LAKOTA" -r "$repo" read temperature/Brussels --less-than 2020-01-03
run "$LAKOTA" -r "$repo" -P read temperature/Brussels
run "$LAKOTA" -r "$repo" rev temperature -e

echo
echo "# The same with the C++ API (examples/quickstart.cc):"
"$(dirname "$LAKOTA")/lakota_quickstart" "$dir/cpp-data-folder"
