#!/usr/bin/env bash
# Mode 3, squashfs over HTTP: each layer is a squashfs image on an HTTP server (through the
# link); httpfs2 exposes each as a file fetched lazily by Range requests, squashfuse mounts it,
# and a read-only overlayfs unions the layers (the OCI-on-squashfs runtime approach).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
mode_check() {
  local t
  for t in httpfs2 squashfuse fusermount; do
    command -v "$t" >/dev/null || { echo "$t not installed"; return 1; }
  done
  [[ -d "$TF_IMAGE_DIR/sqfs" ]] || { echo "no squashfs layers built"; return 1; }
}
mode_run() {
  local n i lowers=""
  n=$(ls "$TF_IMAGE_DIR/sqfs" | grep -c '^layer[0-9]*\.sqfs$')
  mkdir -p "$TF_RUN_DIR/merged"
  # Mount every layer in parallel: httpfs2 (HTTP file) then squashfuse (the filesystem in it).
  for ((i = 0; i < n; i++)); do
    mkdir -p "$TF_RUN_DIR/http$i" "$TF_RUN_DIR/sq$i"
    httpfs2 -f -c /dev/null "$TF_SQFS_URL/layer$i.sqfs" "$TF_RUN_DIR/http$i" &
    local hp=$!
    on_exit "fusermount -u -z '$TF_RUN_DIR/http$i'; stop_pid $hp"
    eval "hpid$i=$hp"
  done
  for ((i = 0; i < n; i++)); do
    local hp_var="hpid$i"
    wait_mount "$TF_RUN_DIR/http$i" "${!hp_var}"
    squashfuse -f "$TF_RUN_DIR/http$i/layer$i.sqfs" "$TF_RUN_DIR/sq$i" &
    local sp=$!
    on_exit "fusermount -u -z '$TF_RUN_DIR/sq$i'; stop_pid $sp"
    eval "spid$i=$sp"
  done
  for ((i = n - 1; i >= 0; i--)); do
    local sp_var="spid$i"
    wait_mount "$TF_RUN_DIR/sq$i" "${!sp_var}"
    lowers+="${lowers:+:}$TF_RUN_DIR/sq$i"
  done
  mount -t overlay overlay -o "ro,lowerdir=$lowers" "$TF_RUN_DIR/merged"
  on_exit "umount -l '$TF_RUN_DIR/merged'"
  phase mounted
  run_sandbox "$TF_RUN_DIR/merged" "$@"
}
mode_main "$@"
