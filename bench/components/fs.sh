#!/usr/bin/env bash
# Component benchmark for the lazy filesystem (issue 3's performance targets):
#   warm sequential read of a 1 GiB file through the mount vs local disk (target >= 50%),
#   find + stat over 20,000 files, second pass, vs local disk (target <= 2x),
#   cold read of a 100 MiB file from the loopback registry (target >= 200 MiB/s).
# The local-disk baselines run now; the mount side is a PLUG-IN POINT that runs once
# `bin/replayer mount` is implemented (until then it is reported as pending, with the reason).
# Prints one JSON object per line: {"metric": ..., "value": ..., "unit": ..., "note": ...}.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/mode-common.sh"
data="$TF_CACHE/components/fs"
mkdir -p "$data"

metric() { printf '{"metric": "%s", "value": %s, "unit": "%s", "note": "%s"}\n' "$1" "$2" "$3" "${4:-}"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

mode_check() { return 0; }

mode_run() {
  if [[ ! -f "$data/1g.bin" ]]; then
    head -c $((1 << 30)) /dev/urandom >"$data/1g.bin.tmp" && mv "$data/1g.bin.tmp" "$data/1g.bin"
  fi
  if [[ ! -f "$data/tree.done" ]]; then
    rm -rf "$data/tree"
    for d in $(seq -w 0 199); do
      mkdir -p "$data/tree/d$d"
      for f in $(seq -w 0 99); do echo "$d/$f" >"$data/tree/d$d/f$f"; done
    done
    touch "$data/tree.done"
  fi
  local t0 t1
  sync; echo 3 >/proc/sys/vm/drop_caches
  t0=$(now); cat "$data/1g.bin" >/dev/null; t1=$(now)
  metric local_cold_seq_read_1gib "$(calc "1024 / ($t1 - $t0)")" MiB/s "local disk, page cache dropped"
  t0=$(now); cat "$data/1g.bin" >/dev/null; t1=$(now)
  metric local_warm_seq_read_1gib "$(calc "1024 / ($t1 - $t0)")" MiB/s "local disk, from page cache"
  find "$data/tree" -type f -exec stat -c %s {} + >/dev/null
  t0=$(now); find "$data/tree" -type f -exec stat -c %s {} + >/dev/null; t1=$(now)
  metric local_find_stat_20k_second_pass "$(calc "$t1 - $t0")" s "20,000 files, local disk"
  local why
  if why="$(check_cli "$TF_REPO/bin/replayer" mount invalid::probe /nonexistent-mountpoint)"; then
    # PLUG-IN POINT: push an image holding 1g.bin and tree/ (and a 100 MiB file) to the
    # registry, `bin/replayer mount` it, and time the same reads through the mount.
    metric mount_side 0 none "replayer mount is available: the mount-side measurements are still to be wired here"
  else
    metric mount_side 0 none "pending: $why"
  fi
}
mode_main "$@"
