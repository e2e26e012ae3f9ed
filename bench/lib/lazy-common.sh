# Sourced by the modes backed by tracefetch's own lazy filesystem (modes 4-7).
# PLUG-IN POINT: these call bin/replayer / bin/trace-layer-builder / bin/record-trace as their
# issues describe them (issues 3, 6, 7). While a subcommand answers "not yet implemented" or the
# jars are not built, `check` fails with that message and the harness reports the mode as skipped.
# Extra environment from the harness:
#   TF_REGISTRY_DIRECT  127.0.0.1:PORT of the registry WITHOUT the link (untimed preparation)
#   TF_LINK_REGISTRY    127.0.0.1:PORT of the registry THROUGH the link (timed runs)
#   TF_NAME, TF_TAG     workload name and tag;  TF_PREP_DIR  persistent per-workload scratch
#   TF_READY            readiness in record-trace syntax (http:URL | tcp:PORT | log:REGEX)
#   TF_CMD_JSON         the workload command as a JSON array

REPLAYER="$TF_REPO/bin/replayer"
BUILDER="$TF_REPO/bin/trace-layer-builder"
RECORDER="$TF_REPO/bin/record-trace"

estargz_repo() { echo "bench/$TF_NAME-estargz"; }

# Untimed: converts the workload image to eStargz (once; the registry keeps it).
ensure_estargz() {
  local dst="$TF_REGISTRY_DIRECT/$(estargz_repo):$TF_TAG"
  if ! skopeo inspect --tls-verify=false "docker://$dst" >/dev/null 2>&1; then
    "$BUILDER" convert --insecure-registry "$TF_REGISTRY_DIRECT" \
      "$TF_REGISTRY_DIRECT/bench/$TF_NAME:$TF_TAG" "$dst" >&2
  fi
}

# Right after ready (inside the run's mount namespace): the mount's counters, as JSON, e.g.
# {"hit_ratio": 0.97}. PLUG-IN POINT: align with `bin/replayer stats` output (issue 7).
mode_stats() {
  "$REPLAYER" stats "$TF_RUN_DIR/mnt" --json 2>/dev/null || true
}

# Timed: lazily mounts IMAGE (through the link) with a fresh chunk cache and runs the workload.
# Extra replayer options (e.g. --replay FILE) come from $LAZY_MOUNT_OPTS.
lazy_mount_and_run() {
  local image="$1"; shift
  mkdir -p "$TF_RUN_DIR/mnt" "$TF_RUN_DIR/cache"
  "$REPLAYER" mount "$image" "$TF_RUN_DIR/mnt" --cache "$TF_RUN_DIR/cache" \
    --insecure-registry "$TF_LINK_REGISTRY" ${LAZY_MOUNT_OPTS:-} >"$TF_RUN_DIR/replayer.log" 2>&1 &
  local mp=$!
  on_exit "'$REPLAYER' umount '$TF_RUN_DIR/mnt'; fusermount -u -z '$TF_RUN_DIR/mnt'; stop_pid $mp"
  wait_mount "$TF_RUN_DIR/mnt" "$mp"
  phase mounted
  run_sandbox "$TF_RUN_DIR/mnt" "$@"
}
