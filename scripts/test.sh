#!/bin/bash
# Run every test: unit (cmocka), fuzz corpora replay, e2e (real xattrs,
# keyrings, differential against Debian's evmctl) and the real-kernel suite
# (Debian's IMA kernel under qemu).  Builds first when needed.
# BUILD_DIR selects the build directory (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
[ -f "$BUILD_DIR/build.ninja" ] || meson setup "$BUILD_DIR"
ninja -C "$BUILD_DIR"
meson test -C "$BUILD_DIR" --print-errorlogs "$@"
