# Sourced by the modes backed by tracefetch's own lazy filesystem (modes 4-7): the calls of
# bin/replayer, bin/trace-layer-builder and bin/record-trace, with the options of their --help.
# While the jars are not built, `check` fails with that message and the harness skips the mode.
# Extra environment from the harness:
#   TF_REGISTRY_DIRECT  127.0.0.1:PORT of the registry WITHOUT the link (untimed preparation)
#   TF_LINK_REGISTRY    127.0.0.1:PORT of the registry THROUGH the link (timed runs)
#   TF_NAME, TF_TAG     workload name and tag;  TF_PREP_DIR  persistent per-workload scratch
#   TF_READY            readiness in record-trace syntax (http:URL | tcp:PORT | log:REGEX)
#   TF_CMD_JSON         the workload command as a JSON array
#   TF_CHUNK_SIZE       eStargz chunk size given to `convert --chunk-size` (e.g. 4M, 1M)
#   TF_STORE_DIRECT     http://127.0.0.1:PORT of the trace store without the link (recording)
#   TF_STORE_LINK       the same store THROUGH the link (plan discovery at mount time)
#   TF_STORE_TOKEN      bearer token of that store (admin scope: upload and read)

REPLAYER="$TF_REPO/bin/replayer"
BUILDER="$TF_REPO/bin/trace-layer-builder"
RECORDER="$TF_REPO/bin/record-trace"
CHUNK="${TF_CHUNK_SIZE:-512K}"
# Every eStargz-derived image is tagged per chunk size, so two chunk sizes can be compared.
ESTARGZ_TAG="$TF_TAG-c$CHUNK"
APP="bench-$TF_NAME"

estargz_repo() { echo "bench/$TF_NAME-estargz"; }
estargz_ref() { echo "$1/$(estargz_repo):$ESTARGZ_TAG"; }
landmark_ref() { echo "$1/bench/$TF_NAME-landmark:$ESTARGZ_TAG"; }

_in_registry() { skopeo inspect --tls-verify=false --raw "docker://$1" >/dev/null 2>&1; }

# Manifest digest of REF (as the replayer and the trace store name the image).
manifest_digest() {
  skopeo inspect --tls-verify=false --raw "docker://$1" | sha256sum | sed 's/^\([0-9a-f]*\).*/sha256:\1/'
}

# Untimed: converts the workload image to eStargz (once; the registry keeps it).
ensure_estargz() {
  local dst
  dst="$(estargz_ref "$TF_REGISTRY_DIRECT")"
  _in_registry "$dst" && return 0
  "$BUILDER" convert -q --chunk-size "$CHUNK" --insecure-registry "$TF_REGISTRY_DIRECT" \
    "$TF_REGISTRY_DIRECT/bench/$TF_NAME:$TF_TAG" "$dst" >&2
}

# Untimed: records N (default 3) starts of the eStargz image with bin/record-trace (lazy mount
# of the registry without the link, cold private cache each), writing the trace files to
# $TF_PREP_DIR/traces-$CHUNK/ and, when a trace store runs, uploading them to it too. Once: kept
# while the eStargz image's digest is unchanged.
ensure_traces() {
  local n="${1:-3}" image digest dir i
  image="$(estargz_ref "$TF_REGISTRY_DIRECT")"
  digest="$(manifest_digest "$image")"
  dir="$TF_PREP_DIR/traces-$CHUNK"
  if [[ "$(cat "$dir/digest" 2>/dev/null)" != "$digest" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "$digest" >"$dir/digest"
  fi
  local envargs=() cmd=()
  while IFS= read -r kv; do [[ -n "$kv" ]] && envargs+=(--env "$kv"); done <<<"${TF_ENV:-}"
  mapfile -t cmd < <("$TF_PYTHON" -c 'import json,os; print("\n".join(json.loads(os.environ["TF_CMD_JSON"])))')
  for ((i = 1; i <= n; i++)); do
    [[ -s "$dir/trace$i" ]] && continue
    local upload=()
    [[ -n "${TF_STORE_DIRECT:-}" ]] && upload=(--upload "$TF_STORE_DIRECT" --token "$TF_STORE_TOKEN")
    echo "recording start $i of $n of $image (untimed)" >&2
    "$RECORDER" --image "$image" --app "$APP" --insecure-registry "$TF_REGISTRY_DIRECT" \
      --ready "$TF_READY" --grace 1s --timeout 180s --workdir "${TF_WORKDIR:-/}" "${envargs[@]}" \
      --out "$dir/trace$i.tmp" "${upload[@]}" --json -- "${cmd[@]}" >"$dir/trace$i.json" 2>"$dir/trace$i.log" || {
      echo "record-trace failed:" >&2; tail -n 20 "$dir/trace$i.log" >&2; return 1; }
    mv "$dir/trace$i.tmp" "$dir/trace$i"
  done
}

# The recorded trace files, as repeated --trace options.
trace_args() {
  local f
  for f in "$TF_PREP_DIR/traces-$CHUNK"/trace[0-9]; do printf -- '--trace\n%s\n' "$f"; done
}

# Right after ready (inside the run's mount namespace): the mount's counters from
# `replayer stats MOUNTPOINT --json`, plus "hit_ratio" for the harness.
mode_stats() {
  local sock="$TF_RUN_DIR/control.sock"
  [[ -S "$sock" ]] || return 0
  "$REPLAYER" stats "$TF_RUN_DIR/mnt" --control-socket "$sock" --json 2>/dev/null |
    "$TF_PYTHON" -c 'import json,sys
s = json.load(sys.stdin)
s.pop("discovery", None)
s["hit_ratio"] = s.get("hitRatio")
print(json.dumps(s))' || true
}

# Timed: lazily mounts IMAGE (through the link) with a fresh chunk cache and runs the workload.
# Extra replayer options (e.g. --prefetch landmark) come from the array LAZY_MOUNT_OPTS.
# With TF_DAEMON_SOCKET (the harness started `replayer daemon` untimed, with this run's fresh
# cache, and runs this script in the daemon's mount namespace) the mount is a request to the
# daemon (`mount --daemon-socket`, which returns once the mount is up), as a node would do it.
lazy_mount_and_run() {
  local image="$1"; shift
  mkdir -p "$TF_RUN_DIR/mnt" "$TF_RUN_DIR/cache"
  if [[ -n "${TF_DAEMON_SOCKET:-}" ]]; then
    on_exit "fusermount -u -z '$TF_RUN_DIR/mnt'"
    "$REPLAYER" mount --daemon-socket "$TF_DAEMON_SOCKET" "$image" "$TF_RUN_DIR/mnt" \
      --control-socket "$TF_RUN_DIR/control.sock" "${LAZY_MOUNT_OPTS[@]}" >&2
    mountpoint -q "$TF_RUN_DIR/mnt" || { echo "replayer mount --daemon-socket returned without a mount" >&2; return 1; }
    phase mounted
    [[ -n "${LAZY_AFTER_MOUNT:-}" ]] && "$LAZY_AFTER_MOUNT"
    run_sandbox "$TF_RUN_DIR/mnt" "$@"
    return
  fi
  "$REPLAYER" mount "$image" "$TF_RUN_DIR/mnt" --cache "$TF_RUN_DIR/cache" \
    --insecure-registry "$TF_LINK_REGISTRY" --control-socket "$TF_RUN_DIR/control.sock" \
    "${LAZY_MOUNT_OPTS[@]}" >&2 &
  local mp=$!
  on_exit "stop_pid $mp; fusermount -u -z '$TF_RUN_DIR/mnt'"
  wait_mount "$TF_RUN_DIR/mnt" "$mp"
  phase mounted
  run_sandbox "$TF_RUN_DIR/mnt" "$@"
}
LAZY_MOUNT_OPTS=()
LAZY_AFTER_MOUNT=""

# Waits until the daemon's only mount finished its prefetch (Prometheus metrics at
# $TF_DAEMON_METRICS: tracefetch_replay_state DONE, FAILED or CANCELLED), polled with curl.
wait_prefetch_done() {
  local m
  for _ in $(seq 1 6000); do
    m="$(curl -fsS "http://$TF_DAEMON_METRICS/metrics" 2>/dev/null | grep '^tracefetch_replay_state{' | grep ' 1$' || true)"
    case "$m" in
      *'state="DONE"'*) phase prefetched; return 0 ;;
      *'state="FAILED"'*|*'state="CANCELLED"'*) echo "prefetch ended: $m" >&2; phase prefetched; return 0 ;;
    esac
    sleep 0.02
  done
  echo "prefetch did not finish within 120 s" >&2
  return 1
}
