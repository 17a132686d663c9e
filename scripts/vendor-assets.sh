#!/usr/bin/env bash
# Re-vendor the web UI's front-end assets from npm into src/verone/backoffice/static/vendor/.
# The files are committed: nothing is fetched at run time and no page uses a CDN.
# Usage: scripts/vendor-assets.sh   (needs node + npm; `make vendor` calls it)
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A PACKAGES=(
  [htmx.org]=2.0.11
  [chart.js]=4.6.1
  [swagger-ui-dist]=5.35.0
  [axe-core]=4.14.1
  [@picocss/pico]=2.1.1
)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
specs=()
for name in "${!PACKAGES[@]}"; do specs+=("$name@${PACKAGES[$name]}"); done
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "${specs[@]}" >/dev/null)

src="$work/node_modules"
dest=src/verone/backoffice/static/vendor
rm -rf "$dest"
mkdir -p "$dest"/{htmx,chartjs,swagger-ui,axe-core,pico}
cp "$src/htmx.org/dist/htmx.min.js" "$src/htmx.org/LICENSE" "$dest/htmx/"
cp "$src/chart.js/dist/chart.umd.min.js" "$src/chart.js/LICENSE.md" "$dest/chartjs/"
cp "$src/swagger-ui-dist/swagger-ui-bundle.js" "$src/swagger-ui-dist/swagger-ui.css" \
   "$src/swagger-ui-dist/LICENSE" "$src/swagger-ui-dist/NOTICE" "$dest/swagger-ui/"
cp "$src/axe-core/axe.min.js" "$src/axe-core/LICENSE" "$dest/axe-core/"
cp "$src/@picocss/pico/css/pico.min.css" "$src/@picocss/pico/LICENSE.md" "$dest/pico/"

{
  echo "# Vendored front-end assets"
  echo
  echo "Copied from npm by \`scripts/vendor-assets.sh\` (\`make vendor\`); committed, never fetched"
  echo "at run time. Each directory holds the package's licence file."
  echo
  echo "| directory | npm package | version | licence | files |"
  echo "|---|---|---|---|---|"
  for name in htmx.org chart.js swagger-ui-dist axe-core @picocss/pico; do
    version=$(node -p "require('$src/$name/package.json').version")
    license=$(node -p "require('$src/$name/package.json').license")
    case $name in
      htmx.org) dir=htmx;; chart.js) dir=chartjs;; swagger-ui-dist) dir=swagger-ui;;
      axe-core) dir=axe-core;; @picocss/pico) dir=pico;;
    esac
    files=$(cd "$dest/$dir" && ls | tr '\n' ' ')
    echo "| \`$dir/\` | \`$name\` | $version | $license | $files|"
  done
  echo
  echo "axe-core is used by the browser tests only (\`tests/browser/\`); the pages never load it."
} > "$dest/VERSIONS.md"
echo "vendored into $dest"
