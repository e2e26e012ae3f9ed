#!/usr/bin/env bash
# Mode 7, prefetch-all: `replayer prefetch-all` fetches every chunk of every layer in parallel
# into a fresh chunk cache, then `replayer mount --prefetch none` serves the start from it.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() { check_cli "$REPLAYER" prefetch-all --help && check_cli "$REPLAYER" mount --help; }
mode_prepare() { ensure_estargz; }
mode_run() {
  local image
  image="$(estargz_ref "$TF_LINK_REGISTRY")"
  mkdir -p "$TF_RUN_DIR/cache"
  "$REPLAYER" prefetch-all -q "$image" --cache "$TF_RUN_DIR/cache" --insecure-registry "$TF_LINK_REGISTRY" >&2
  phase prefetched
  LAZY_MOUNT_OPTS=(--prefetch none)
  lazy_mount_and_run "$image" "$@"
}
mode_main "$@"
