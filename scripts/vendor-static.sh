#!/usr/bin/env bash
# Refresh the front-end libraries under static/vendor from the npm registry.
# Change a version in package.json, run this script, commit what it changes.
set -euo pipefail
cd "$(dirname "$0")/.."

npm install --no-audit --no-fund
version=$(node -p 'require("./node_modules/htmx.org/package.json").version')
target=static/vendor/htmx
rm -rf "$target"
mkdir -p "$target"
cp node_modules/htmx.org/dist/htmx.min.js "$target/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$target/LICENSE"
printf 'htmx.org %s from the npm registry (BSD Zero Clause licence, see LICENSE)\n' "$version" >"$target/VERSION"
echo "static/vendor/htmx now holds htmx $version"
