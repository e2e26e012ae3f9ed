# Sourced by bench/modes/*.sh: the contract between the harness and one mode.
#
# The harness runs   modes/NAME.sh check            -> exit 0 if usable, else prints why not
#                    modes/NAME.sh prepare          -> untimed, once per workload and link (optional)
#                    modes/NAME.sh run -- CMD...    -> timed: fetch/mount the image, then run CMD in a
#                                                      sandbox until SIGTERM; cleans up everything
#                    modes/NAME.sh stats            -> optional, right after ready, inside the run's
#                                                      mount namespace: one JSON object merged into the
#                                                      run's result (e.g. {"hit_ratio": 0.97})
# `run` is started inside a private mount namespace (unshare -m), so no mount it makes is ever
# visible outside it, and with a parent-death signal, so it never outlives the harness.
# Environment given by the harness:
#   TF_REPO        repository root            TF_RUN_DIR    empty scratch dir for this run
#   TF_IMAGE_DIR   cached image (oci/, rootfs/, sqfs/, info.json)
#   TF_IMAGE_REF   127.0.0.1:PORT/bench/NAME:TAG  (registry reached THROUGH the emulated link)
#   TF_SQFS_URL    http://127.0.0.1:PORT          (squashfs layer server THROUGH the link)
#   TF_WORKDIR     working directory in the image  TF_ENV  newline-separated KEY=VALUE
# Progress markers for the results go to stderr as "PHASE <name> <unix time>".
set -euo pipefail

_cleanups=()
on_exit() { _cleanups+=("$1"); }
_run_cleanups() {
  local rc=$?
  trap - EXIT INT TERM
  for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_cleanups[i]}" >/dev/null 2>&1 || true
  done
  exit "$rc"
}
trap _run_cleanups EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

phase() { echo "PHASE $1 $(date +%s.%N)" >&2; }

# True while PID runs (a zombie, exited but not yet reaped, counts as gone).
_alive() { [[ -e /proc/$1 && "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

# Stops a background process of this shell: TERM, up to 5 s, then KILL; reaps it.
stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    _alive "$pid" || break
    sleep 0.1
  done
  _alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# Waits until PATH is a mount point (FUSE daemons mount asynchronously).
wait_mount() {
  local path="$1" pid="${2:-}"
  for _ in $(seq 1 3000); do
    mountpoint -q "$path" && return 0
    if [[ -n "$pid" ]] && ! _alive "$pid"; then
      echo "mount of $path failed: its process $pid exited" >&2
      return 1
    fi
    sleep 0.01
  done
  echo "timed out waiting for mount $path" >&2
  return 1
}

# Runs "$@" in a bubblewrap sandbox whose root is ROOT (read-only) until it exits or we are
# told to stop. Host network (the harness probes readiness on loopback), private pid/ipc/uts.
run_sandbox() {
  local root="$1"; shift
  local envargs=()
  while IFS= read -r kv; do
    [[ -n "$kv" ]] && envargs+=(--setenv "${kv%%=*}" "${kv#*=}")
  done <<<"${TF_ENV:-}"
  bwrap --ro-bind "$root" / --proc /proc --dev /dev --perms 1777 --tmpfs /tmp --tmpfs /run \
    --unshare-pid --unshare-ipc --unshare-uts --die-with-parent --clearenv \
    --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --setenv HOME /root \
    "${envargs[@]}" --chdir "${TF_WORKDIR:-/}" -- "$@" &
  local pid=$!
  on_exit "stop_pid $pid"
  phase started
  wait "$pid"
}

# Parses "run -- CMD..." and dispatches to the mode's functions.
mode_main() {
  local action="${1:-}"; shift || true
  case "$action" in
    check) mode_check ;;
    stats) if declare -F mode_stats >/dev/null; then mode_stats; fi ;;
    prepare) if declare -F mode_prepare >/dev/null; then mode_prepare; fi ;;
    run)
      [[ "${1:-}" == "--" ]] && shift
      mode_run "$@" ;;
    *) echo "usage: $0 check|prepare|run -- CMD..." >&2; exit 2 ;;
  esac
}

# Availability check for modes backed by the project's own CLI: a subcommand that answers
# "not yet implemented" (or a jar that is not built) makes the mode unavailable, with that reason.
check_cli() {
  local out rc=0
  local probe_dir
  probe_dir="$(mktemp -d)"
  out="$(timeout 60 "$@" 2>&1)" || rc=$?
  rm -rf "$probe_dir"
  if grep -qiE "not yet implemented|not built yet" <<<"$out"; then
    echo "$(head -n 1 <<<"$out")"
    return 1
  fi
  if [[ $rc -eq 126 || $rc -eq 127 ]]; then
    echo "cannot run $1 (exit $rc)"
    return 1
  fi
  return 0
}
