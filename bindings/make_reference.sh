#!/usr/bin/env bash
# Reference predictions for the binding tests, made with the C++ command line:
#   make_reference.sh <kolosal cli> <data dir> <out dir>
# writes <out dir>/spam.kolosal and <out dir>/spam_proba.csv. Without spam.csv it removes them
# and succeeds, so that each language's tests skip their real-data checks with a message.
set -euo pipefail
cli=$1
data_dir=$2
out_dir=$3
mkdir -p "$out_dir"
rm -f "$out_dir/spam.kolosal" "$out_dir/spam_proba.csv"
if [ ! -f "$data_dir/spam.csv" ]; then
  echo "bindings.reference: $data_dir/spam.csv not found, the binding tests skip real data"
  exit 0
fi
"$cli" train --data "$data_dir/spam.csv" --target type --model logistic_regression \
  --out "$out_dir/spam.kolosal" >/dev/null
"$cli" predict --model "$out_dir/spam.kolosal" --data "$data_dir/spam.csv" --proba \
  --out "$out_dir/spam_proba.csv" >/dev/null
echo "bindings.reference: wrote $out_dir/spam.kolosal and spam_proba.csv"
