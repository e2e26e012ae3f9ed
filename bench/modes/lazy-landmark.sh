#!/usr/bin/env bash
# Mode 5, lazy + landmark prefetch: the eStargz image `optimize`d (files the start reads first,
# up to the .prefetch.landmark), and the mount prefetches each layer's prioritized range, as
# stargz-snapshotter does.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() { check_cli "$REPLAYER" mount "invalid::probe" /nonexistent-mountpoint && check_cli "$BUILDER" optimize invalid::a invalid::b; }
mode_prepare() {
  # PLUG-IN POINT: option names to be aligned with issue 6's `optimize` once it lands.
  local dst="$TF_REGISTRY_DIRECT/bench/$TF_NAME-landmark:$TF_TAG"
  skopeo inspect --tls-verify=false "docker://$dst" >/dev/null 2>&1 ||
    "$BUILDER" optimize --insecure-registry "$TF_REGISTRY_DIRECT" \
      "$TF_REGISTRY_DIRECT/bench/$TF_NAME:$TF_TAG" "$dst" >&2
}
mode_run() { LAZY_MOUNT_OPTS="--prefetch landmark" lazy_mount_and_run "$TF_LINK_REGISTRY/bench/$TF_NAME-landmark:$TF_TAG" "$@"; }
mode_main "$@"
