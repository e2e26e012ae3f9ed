#!/usr/bin/env bash
# Mode 5, lazy + landmark prefetch: the eStargz image `trace-layer-builder optimize`d with the
# recorded starts (the files the start reads first in each layer, then .prefetch.landmark), and
# the mount prefetches each layer's prioritized range (`--prefetch landmark`), as
# stargz-snapshotter does.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() {
  check_cli "$REPLAYER" mount --help && check_cli "$BUILDER" optimize --help &&
    check_cli "$RECORDER" --help
}
mode_prepare() {
  ensure_estargz
  ensure_traces 3
  local src dst digest stamp
  src="$(estargz_ref "$TF_REGISTRY_DIRECT")"
  dst="$(landmark_ref "$TF_REGISTRY_DIRECT")"
  digest="$(manifest_digest "$src")"
  stamp="$TF_PREP_DIR/landmark-$CHUNK.from"
  # Once per eStargz image (and its traces): the registry keeps the optimized image.
  if [[ "$(cat "$stamp" 2>/dev/null)" == "$digest" ]] && _in_registry "$dst"; then return 0; fi
  local traces=()
  mapfile -t traces < <(trace_args)
  "$BUILDER" optimize -q --insecure-registry "$TF_REGISTRY_DIRECT" --app "$APP" --image "$src" \
    --push "$dst" "${traces[@]}" >&2
  echo "$digest" >"$stamp"
}
mode_run() {
  LAZY_MOUNT_OPTS=(--prefetch landmark)
  lazy_mount_and_run "$(landmark_ref "$TF_LINK_REGISTRY")" "$@"
}
mode_main "$@"
