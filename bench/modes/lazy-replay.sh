#!/usr/bin/env bash
# Mode 6, lazy + trace replay (tracefetch): record the start a few times (untimed), build a
# replay plan, then mount with --replay so the node prefetches in trace order.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() {
  check_cli "$REPLAYER" mount "invalid::probe" /nonexistent-mountpoint &&
    check_cli "$RECORDER" --image invalid::probe --out /dev/null true &&
    check_cli "$BUILDER" build-replay
}
mode_prepare() {
  ensure_estargz
  # PLUG-IN POINT: record 3 starts, merge them into one plan (issues 4 and 6).
  local plan="$TF_PREP_DIR/replay.plan" i
  [[ -s "$plan" ]] && return 0
  mkdir -p "$TF_PREP_DIR"
  for i in 1 2 3; do
    "$RECORDER" --image "$TF_REGISTRY_DIRECT/$(estargz_repo):$TF_TAG" --app "bench-$TF_NAME" \
      --ready "$TF_READY" --workdir "$TF_WORKDIR" --out "$TF_PREP_DIR/trace$i" \
      -- $("$TF_PYTHON" -c 'import json,os; print(" ".join(json.loads(os.environ["TF_CMD_JSON"])))') >&2
  done
  "$BUILDER" build-replay --out "$plan" "$TF_PREP_DIR"/trace? >&2
}
mode_run() { LAZY_MOUNT_OPTS="--replay $TF_PREP_DIR/replay.plan" lazy_mount_and_run "$TF_LINK_REGISTRY/$(estargz_repo):$TF_TAG" "$@"; }
mode_main "$@"
