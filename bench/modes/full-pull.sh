#!/usr/bin/env bash
# Mode 2, full pull: the classic `docker pull` path. Download every layer through the link with
# skopeo (parallel blob downloads), unpack them with tar (lib/unpack.sh), then run.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
mode_check() { command -v skopeo >/dev/null || { echo "skopeo not installed"; return 1; }; }
mode_run() {
  skopeo --insecure-policy copy --quiet --src-tls-verify=false \
    "docker://$TF_IMAGE_REF" "dir:$TF_RUN_DIR/pull" >&2
  phase pulled
  bash "$(dirname "${BASH_SOURCE[0]}")/../lib/unpack.sh" "$TF_RUN_DIR/rootfs" "$TF_RUN_DIR/pull"
  phase unpacked
  run_sandbox "$TF_RUN_DIR/rootfs" "$@"
}
mode_main "$@"
