#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds, and runs every test:
# C++ (GoogleTest), C (the C ABI), Java, C#, Go and Ruby, plus the CLI and examples.
set -euo pipefail
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root_dir"

scripts/bootstrap.sh
# Relative paths in ccache keys: a fresh clone anywhere reuses earlier compilations.
export CCACHE_BASEDIR="$root_dir"
data_dir=$(scripts/data-dir.sh)
echo "test.sh: datasets from ${data_dir:-<none found; data tests will skip>}"
cmake --preset release -DKOLOSAL_BUILD_TESTS=ON -DKOLOSAL_BUILD_BINDINGS=ON \
  ${data_dir:+-DKOLOSAL_DATA_DIR="$data_dir"} >/dev/null
cmake --build --preset release -j"$(nproc)"

# Servers the tests need run on 127.0.0.1 only for the duration of the run.
if [ -x scripts/postgres-test.sh ]; then
  eval "$(scripts/postgres-test.sh start)"
  trap 'scripts/postgres-test.sh stop >/dev/null 2>&1 || true' EXIT
fi

ctest --preset release -j"$(nproc)" --timeout 1200 "$@"
