#!/usr/bin/env bash
# Copy the front-end libraries the pages load from node_modules into static/vendor/<name>-<version>/.
# The copies are committed, so running the portal never needs npm; only updating them does:
#   1. change the version in package.json,  2. npm install  (updates package-lock.json),
#   3. bash scripts/vendor-static.sh,        4. point templates/base.html at the new folder,
#   5. git rm the old folder and commit package.json, package-lock.json and static/vendor/.
# With --check it copies nothing and fails when static/vendor/ is not what package-lock.json pins
# (a missing file, or one that differs from the installed package's).
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

pinned() {  # the version package-lock.json pins for package $1
  node -e 'const lock = require("./package-lock.json");
           process.stdout.write(lock.packages["node_modules/" + process.argv[1]].version)' "$1"
}

# package  file in the package  folder name under static/vendor/
vendor() {
  local package=$1 file=$2 name=$3
  local version target
  version=$(pinned "$package")
  target="static/vendor/$name-$version/$(basename "$file")"
  if $check; then
    [ -f "$target" ] || { echo "missing $target: run scripts/vendor-static.sh" >&2; return 1; }
    if [ -f "node_modules/$package/$file" ] && ! cmp -s "node_modules/$package/$file" "$target"; then
      echo "$target differs from node_modules/$package/$file: run npm ci, then scripts/vendor-static.sh" >&2
      return 1
    fi
    return 0
  fi
  [ -f "node_modules/$package/$file" ] || { echo "node_modules/$package/$file is missing: run npm ci" >&2; return 1; }
  installed=$(node -p "require('./node_modules/$package/package.json').version")
  [ "$installed" = "$version" ] || { echo "node_modules has $package $installed, package-lock.json pins $version: run npm ci" >&2; return 1; }
  mkdir -p "$(dirname "$target")"
  cp "node_modules/$package/$file" "$target"
  echo "static/vendor: $package $version -> $target"
}

vendor htmx.org dist/htmx.min.js htmx
