#!/usr/bin/env bash
# Bits per character of model folders on the foreign projects (scripts/research/projects.sh), one JSON line
# per project and model, all in one run so that models are compared on the same files:
#   scripts/research/evalProjects.sh report|tune MODEL_DIR… > results.jsonl
# Needs `npm run build`. Runs at low priority: the figures do not depend on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/../.."
set_name="${1:?usage: scripts/research/evalProjects.sh report|tune MODEL_DIR…}"
shift
(($#)) || { echo "give at least one model folder" >&2; exit 2; }
scripts/research/projects.sh "$set_name" | while IFS=$'\t' read -r name dir; do
  for model in "$@"; do
    result=$(nice -n 10 node dist/cli.js eval --json --by-language --model "$model" "$dir" 2>/dev/null)
    printf '{"project":"%s","model":"%s","result":%s}\n' "$name" "$model" "$result"
  done
done
