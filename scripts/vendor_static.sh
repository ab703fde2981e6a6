#!/usr/bin/env bash
# Re-vendor the front-end packages listed in jisheng/core/static/vendor/README.md from the npm registry.
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/jisheng/core/static/vendor"
tmp=$(mktemp -d); cd "$tmp"
npm pack htmx.org@2.0.10 @picocss/pico@2.1.1 echarts@5.6.0 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp htmx.org-2.0.10/package/dist/htmx.min.js "$dest/htmx/"
cp picocss-pico-2.1.1/package/css/pico.min.css "$dest/pico/"
cp echarts-5.6.0/package/dist/echarts.min.js "$dest/echarts/"
echo "vendored into $dest"
