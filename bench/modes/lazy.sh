#!/usr/bin/env bash
# Mode 4, lazy without prefetch: tracefetch's FUSE filesystem on the eStargz image; every first
# read goes to the registry through the link.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() { check_cli "$REPLAYER" mount "invalid::probe" /nonexistent-mountpoint && check_cli "$BUILDER" convert invalid::src invalid::dst; }
mode_prepare() { ensure_estargz; }
mode_run() { lazy_mount_and_run "$TF_LINK_REGISTRY/$(estargz_repo):$TF_TAG" "$@"; }
mode_main "$@"
