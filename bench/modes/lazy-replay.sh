#!/usr/bin/env bash
# Mode 6, lazy + trace replay (tracefetch): three starts of the eStargz image are recorded
# (untimed, `record-trace --upload` to the bench's trace store), the store merges them into the
# app's replay plan, and the timed mount asks the store for it (`replayer mount --store URL --app
# NAME --plan-source store`, through the link) and prefetches in trace order while the app starts.
# Fallback, only if the store path fails in preparation: a plan file from `trace-layer-builder
# build-replay` over the same traces (`--replay FILE`); the run's stats then say source "file".
source "$(dirname "${BASH_SOURCE[0]}")/../lib/mode-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/lazy-common.sh"
mode_check() {
  check_cli "$REPLAYER" mount --help && check_cli "$RECORDER" --help &&
    check_cli "$BUILDER" build-replay --help
}

plan_mode_file() { echo "$TF_PREP_DIR/replay-$CHUNK.mode"; }

# Waits up to 60 s for the store's plan of the eStargz image (computed in the background after
# uploads); prints nothing, exits 0 once it answers 200.
store_plan_ready() {
  local digest url
  digest="$(manifest_digest "$(estargz_ref "$TF_REGISTRY_DIRECT")")"
  url="$TF_STORE_DIRECT/api/v1/apps/$APP/images/$digest/plan"
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $TF_STORE_TOKEN" \
      -H 'Accept: application/x-protobuf' "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "the trace store has no plan for $APP on $digest after 60 s ($url)" >&2
  return 1
}

mode_prepare() {
  ensure_estargz
  ensure_traces 3
  if [[ -n "${TF_STORE_DIRECT:-}" ]]; then
    # Traces recorded in an earlier harness run (kept in the prep dir) go to this store too;
    # the store answers 200 for a file it already has, so this never duplicates.
    local f ok=1
    for f in "$TF_PREP_DIR/traces-$CHUNK"/trace[0-9]; do
      curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $TF_STORE_TOKEN" \
        -H 'Content-Type: application/octet-stream' --data-binary "@$f" \
        "$TF_STORE_DIRECT/api/v1/traces" || { echo "upload of $f to the trace store failed" >&2; ok=0; }
    done
    if [[ $ok == 1 ]] && store_plan_ready; then
      echo store >"$(plan_mode_file)"
      return 0
    fi
  else
    echo "no trace store running (bin/trace-store not built?)" >&2
  fi
  echo "FALLBACK: replay plan built locally with build-replay instead of the trace store" >&2
  local traces=()
  mapfile -t traces < <(trace_args)
  "$BUILDER" build-replay -q --insecure-registry "$TF_REGISTRY_DIRECT" --app "$APP" \
    --image "$(estargz_ref "$TF_REGISTRY_DIRECT")" --out "$TF_PREP_DIR/replay-$CHUNK.tfr" "${traces[@]}" >&2
  echo file >"$(plan_mode_file)"
}

mode_run() {
  if [[ "$(cat "$(plan_mode_file)" 2>/dev/null)" == store ]]; then
    LAZY_MOUNT_OPTS=(--prefetch plan --plan-source store --store "$TF_STORE_LINK" --app "$APP"
      --token "$TF_STORE_TOKEN")
  else
    LAZY_MOUNT_OPTS=(--prefetch plan --plan-source file --replay "$TF_PREP_DIR/replay-$CHUNK.tfr")
  fi
  lazy_mount_and_run "$(estargz_ref "$TF_LINK_REGISTRY")" "$@"
}
mode_main "$@"
