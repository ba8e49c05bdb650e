#!/bin/bash
# One command from a fresh Debian machine: install dependencies, build, and
# run the demo of the main job (sign a sample tree, verify it, show a tamper).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
IMACTL=build/src/imactl/imactl ./scripts/demo.sh
