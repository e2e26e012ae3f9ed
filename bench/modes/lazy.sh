#!/usr/bin/env bash
# Mode 4, lazy without prefetch: tracefetch's FUSE filesystem on the eStargz image
# (`replayer mount --prefetch none`); every first read goes to the registry through the link.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() { check_cli "$REPLAYER" mount --help && check_cli "$BUILDER" convert --help; }
mode_prepare() { ensure_estargz; }
mode_run() {
  LAZY_MOUNT_OPTS=(--prefetch none)
  lazy_mount_and_run "$(estargz_ref "$TF_LINK_REGISTRY")" "$@"
}
mode_main "$@"
