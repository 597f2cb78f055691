#!/usr/bin/env bash
# Fetches the plotting library that `farm report` inlines into its HTML pages, so that a report opens offline and
# the farm never needs npm at run time: plotly.js (MIT licence, kept beside it) from the npm registry, the
# "dist-min" build (one minified file with every trace type). The file is committed; run this only to change the
# version, then check the report tests and update the version and SHA-256 below and in docs/results.md.
#
#   version 4.1.2, plotly.min.js SHA-256 2f645d1bade8182fce161b7f10f89402f8b315805250ff4a94672a28d23c390a
set -euo pipefail
version="${1:-4.1.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "plotly.js-dist-min@$version" >/dev/null
tar xzf "plotly.js-dist-min-$version.tgz"
cp package/plotly.min.js "$here/src/Client/Report/plotly.min.js"
cp package/LICENSE "$here/src/Client/Report/plotly.LICENSE.txt"
sha256sum "$here/src/Client/Report/plotly.min.js"
