#!/usr/bin/env bash
# Prints the folder with the shared datasets, or nothing. $KOLOSAL_DATA_DIR wins; otherwise
# ../shared/data beside this repository, or beside the repository it was cloned from.
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${KOLOSAL_DATA_DIR:-}" ]; then echo "$KOLOSAL_DATA_DIR"; exit 0; fi
origin=$(git -C "$root_dir" config --get remote.origin.url 2>/dev/null || true)
for candidate in "$root_dir/../shared/data" ${origin:+"$origin/../shared/data"}; do
  if [ -d "$candidate" ]; then (cd "$candidate" && pwd); exit 0; fi
done
