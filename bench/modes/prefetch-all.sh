#!/usr/bin/env bash
# Mode 7, prefetch-all: fetch every chunk of every layer in parallel into the chunk cache, then
# mount from that cache and run ("just pull it all, fast").
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() { check_cli "$REPLAYER" prefetch-all "invalid::probe" && check_cli "$REPLAYER" mount "invalid::probe" /nonexistent-mountpoint; }
mode_prepare() { ensure_estargz; }
mode_run() {
  local image="$TF_LINK_REGISTRY/$(estargz_repo):$TF_TAG"
  mkdir -p "$TF_RUN_DIR/cache"
  "$REPLAYER" prefetch-all "$image" --cache "$TF_RUN_DIR/cache" --insecure-registry "$TF_LINK_REGISTRY" >&2
  phase prefetched
  lazy_mount_and_run "$image" "$@"
}
mode_main "$@"
