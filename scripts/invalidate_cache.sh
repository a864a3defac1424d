#!/usr/bin/env bash
# Jupyter Book's execution cache keys on notebook code only: a change to dgm_utils would
# leave stale outputs in the site. Drop the cache whenever the package's source changes.
set -euo pipefail
hash=$(cat dgm_utils/*.py dgm_utils/data/*.json 2>/dev/null | sha256sum | cut -d' ' -f1)
mkdir -p _build
if [ "$(cat _build/.dgm_utils.hash 2>/dev/null)" != "$hash" ]; then
  if [ -d _build/.jupyter_cache ]; then
    echo "dgm_utils changed: re-executing the notebooks."
  fi
  rm -rf _build/.jupyter_cache
  echo "$hash" > _build/.dgm_utils.hash
fi
