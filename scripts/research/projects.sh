#!/usr/bin/env bash
# Foreign projects for measurement: source trees in neither ../shared/corpus nor the base model's
# tuning files. `tune` projects are for choosing weights, budgets and learning rates; `report`
# projects only for the figures the README reports. Prints "name<TAB>folder" per project,
# installing the Debian packages that ship the sources when they are missing (needs root).
#   scripts/research/projects.sh report|tune
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  report) projects=(
    "go-yaml.v3 golang-gopkg-yaml.v3-dev /usr/share/gocode/src/gopkg.in/yaml.v3"
    "py-jinja2 python3-jinja2 /usr/lib/python3/dist-packages/jinja2"
    "rs-itertools librust-itertools-dev /usr/share/cargo/registry/itertools-0.10.3"
    "js-vsce npm node_modules/@vscode/vsce/out") ;;
  tune) projects=(
    "go-pflag golang-github-spf13-pflag-dev /usr/share/gocode/src/github.com/spf13/pflag"
    "py-markdown python3-markdown /usr/lib/python3/dist-packages/markdown"
    "rs-anyhow librust-anyhow-dev /usr/share/cargo/registry/anyhow-1.0.69"
    "js-playwright npm node_modules/playwright-core/lib/tools") ;;
  *) echo "usage: scripts/research/projects.sh report|tune" >&2; exit 2 ;;
esac
missing=()
for p in "${projects[@]}"; do
  read -r _ package dir <<<"$p"
  [ -d "$dir" ] || { [ "$package" = npm ] && { echo "$dir is missing: run npm install" >&2; exit 1; }; missing+=("$package"); }
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi
for p in "${projects[@]}"; do
  read -r name _ dir <<<"$p"
  printf '%s\t%s\n' "$name" "$dir"
done
