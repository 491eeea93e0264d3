#!/usr/bin/env bash
# Builds the libFuzzer targets (cmake --preset fuzz: clang, ASan + UBSan), writes the seed
# corpora and fuzzes each target for a while. Usage: scripts/fuzz.sh [seconds per target]
# [target...]. Targets: model_payload csv csv_parts study train. Findings land in
# build-fuzz/artifacts/<target>/; see docs/fuzzing.md for turning one into a regression input.
set -euo pipefail
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root_dir"
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_payload csv csv_parts study train)

export CCACHE_BASEDIR="$root_dir"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"
build=build-fuzz
"$build/bin/kolosal_fuzz_seeds" "$build/seeds"
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  dictionary=()
  [ -f "fuzz/$target.dict" ] && dictionary=(-dict="fuzz/$target.dict")
  echo "fuzz.sh: $target for ${seconds} s"
  # The corpus grows in $corpus; the seeds and the saved regressions are read, never written.
  "$build/bin/kolosal_fuzz_$target" "$corpus" "$build/seeds/$target" "fuzz/regressions/$target" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${dictionary[@]}"
done
