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

# Every language's tests and every example must be registered: a missing toolchain makes CMake
# skip a binding with only a status message, which would let this run pass with no binding
# tests at all. (CTest knows these names right after configuring.)
required_tests=(
  bindings.java.junit bindings.csharp.nunit bindings.go.test bindings.ruby.test
  bindings.ruby.optimizer bindings.ruby.inference bindings.go.pkgconfig_install
  example.cpp example.c example.ffi_python_ctypes example.java example.java.tune
  example.csharp example.csharp.tune example.go example.go.tune example.ruby example.ruby.tune
  bindings.ruby.stream capi.test_capi_stream
  capi.test_capi_workflow capi.test_capi_errors capi.test_capi_inference cli.end_to_end
)
registered=$(ctest --preset release -N | sed -n 's/^ *Test *#[0-9]*: \([^ ]*\).*/\1/p')
missing=()
for name in "${required_tests[@]}"; do
  grep -Fqx -- "$name" <<<"$registered" || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: these tests are not registered in CTest: ${missing[*]}" >&2
  echo "test.sh: is a toolchain missing? 'cmake --preset release -DKOLOSAL_BUILD_BINDINGS=ON'" \
    "prints a 'bindings:' line for each binding it skips." >&2
  exit 1
fi

cmake --build --preset release -j"$(nproc)"

# Servers the tests need run on 127.0.0.1 only for the duration of the run.
if [ -x scripts/postgres-test.sh ]; then
  eval "$(scripts/postgres-test.sh start)"
  trap 'scripts/postgres-test.sh stop >/dev/null 2>&1 || true' EXIT
fi

# The PostgreSQL storage tests fail, instead of skipping, when no server is reachable.
export KOLOSAL_REQUIRE_POSTGRES=1
ctest --preset release -j"$(nproc)" --timeout 1200 "$@"
