#!/usr/bin/env bash
# libkolosal.so must export exactly the functions declared in kolosal_c.h, and nothing else.
set -euo pipefail
library=$1
header=$2
exported=$(nm -D --defined-only "$library" | awk '{print $3}' | sort -u)
declared=$(grep -oE 'kolosal_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
foreign=$(grep -v '^kolosal_' <<<"$exported" || true)
if [ -n "$foreign" ]; then
  echo "symbols exported without the kolosal_ prefix:"; echo "$foreign" | head -20; exit 1
fi
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then echo "declared but not exported:"; echo "$missing"; exit 1; fi
if [ -n "$extra" ]; then echo "exported but not declared:"; echo "$extra"; exit 1; fi
echo "OK: $(wc -l <<<"$exported") kolosal_ symbols exported, all declared in the header"
