#!/usr/bin/env bash
# Refresh the front-end libraries under static/vendor and the certificate fonts under
# static/fonts from the npm registry.
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

# Fonts for the PDF certificates: only the Latin and Latin Extended subsets (Welsh,
# Scottish Gaelic and most European names) in the weights the designs use, so every
# machine renders the same certificate without depending on the fonts it has installed.
vendor_font() {
  local package=$1 family=$2
  shift 2
  local source=node_modules/@fontsource/$package
  local target=static/fonts/$package
  local font_version
  font_version=$(node -p "require('./$source/package.json').version")
  rm -rf "$target"
  mkdir -p "$target"
  for style in "$@"; do
    for subset in latin latin-ext; do
      cp "$source/files/$package-$subset-$style.woff2" "$target/"
    done
  done
  cp "$source/LICENSE" "$target/LICENSE"
  printf '%s (@fontsource/%s %s from the npm registry, SIL Open Font License 1.1, see LICENSE)\n' \
    "$family" "$package" "$font_version" >"$target/VERSION"
  echo "static/fonts/$package now holds $family from @fontsource/$package $font_version"
}
vendor_font source-sans-3 "Source Sans 3" 400-normal 600-normal 700-normal
vendor_font source-serif-4 "Source Serif 4" 400-normal 400-italic 600-normal 700-normal
vendor_font playfair-display "Playfair Display" 400-italic 700-normal
