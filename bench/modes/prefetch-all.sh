#!/usr/bin/env bash
# Mode 7, prefetch-all, then run: every chunk of every layer fetched in parallel into a fresh
# chunk cache before the app starts. Without the node daemon: `replayer prefetch-all IMAGE
# --cache DIR`, then `replayer mount --prefetch none` from that cache. With it (TF_DAEMON_SOCKET):
# the daemon mounts with `--prefetch all` and the app starts once that prefetch is done.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() { check_cli "$REPLAYER" prefetch-all --help && check_cli "$REPLAYER" mount --help; }
mode_prepare() { ensure_estargz; }
mode_run() {
  local image
  image="$(estargz_ref "$TF_LINK_REGISTRY")"
  if [[ -n "${TF_DAEMON_SOCKET:-}" ]]; then
    LAZY_MOUNT_OPTS=(--prefetch all)
    LAZY_AFTER_MOUNT=wait_prefetch_done
    lazy_mount_and_run "$image" "$@"
    return
  fi
  mkdir -p "$TF_RUN_DIR/cache"
  "$REPLAYER" prefetch-all -q "$image" --cache "$TF_RUN_DIR/cache" --insecure-registry "$TF_LINK_REGISTRY" >&2
  phase prefetched
  LAZY_MOUNT_OPTS=(--prefetch none)
  lazy_mount_and_run "$image" "$@"
}
mode_main "$@"
