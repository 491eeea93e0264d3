#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds the library and CLI, and runs the demo.
set -euo pipefail
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root_dir"

scripts/bootstrap.sh
# Relative paths in ccache keys: a fresh clone anywhere reuses earlier compilations.
export CCACHE_BASEDIR="$root_dir"
cmake --preset release -DKOLOSAL_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release -j"$(nproc)" --target kolosal kolosal_cli
build/bin/kolosal info
data_dir=$(scripts/data-dir.sh)
build/bin/kolosal demo ${data_dir:+--data-dir "$data_dir"} "$@"
