#!/usr/bin/env bash
# The HPO benchmark of issue 5: Kolosal's tpe, gp, ADAPTIVE (around TPE) and ADAPTIVE around the
# GP (adaptive_gp) against Optuna's TPE
# (univariate, multivariate) and random sampler, in the same run, on 2 cores (one each).
# Usage: run_bench.sh path/to/kolosal_bench_hpo [output-dir]
# Env: KOLOSAL_BENCH_SEEDS (20), KOLOSAL_BENCH_TRIALS (100), KOLOSAL_BENCH_TIMING_TRIALS (1000),
#      KOLOSAL_BENCH_SAMPLERS (tpe,gp,adaptive,adaptive_gp).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=${1:?usage: run_bench.sh path/to/kolosal_bench_hpo [output-dir]}
out=${2:-.}
seeds=${KOLOSAL_BENCH_SEEDS:-20}
trials=${KOLOSAL_BENCH_TRIALS:-100}
timing=${KOLOSAL_BENCH_TIMING_TRIALS:-1000}
samplers=${KOLOSAL_BENCH_SAMPLERS:-tpe,gp,adaptive,adaptive_gp}
mkdir -p "$out"
if ! /usr/bin/python3 -c "import optuna" 2>/dev/null; then
  echo "run_bench.sh: Optuna is missing (apt-get install python3-optuna)" >&2
  exit 2
fi
echo "HPO benchmark: ${seeds} seeds x ${trials} trials; timing at ${timing} trials" >&2
"$bench" --samplers "$samplers" --timing-samplers "$samplers" --seeds "$seeds" --trials "$trials" \
  --timing-trials "$timing" \
  >"$out/kolosal.jsonl" &
ours=$!
/usr/bin/python3 "$here/optuna_bench.py" --seeds "$seeds" --trials "$trials" \
  --timing-trials "$timing" >"$out/optuna.jsonl" &
peer=$!
wait "$ours"
wait "$peer"
/usr/bin/python3 "$here/report.py" "$out/kolosal.jsonl" "$out/optuna.jsonl" | tee "$out/report.txt"
