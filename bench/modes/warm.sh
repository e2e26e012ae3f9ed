#!/usr/bin/env bash
# Mode 1, warm: the image's root filesystem is already unpacked on local disk (page cache
# dropped). The lower bound every other mode is compared with.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
mode_check() { [[ -d "$TF_IMAGE_DIR/rootfs" ]] || { echo "no unpacked rootfs"; return 1; }; }
mode_run() { run_sandbox "$TF_IMAGE_DIR/rootfs" "$@"; }
mode_main "$@"
