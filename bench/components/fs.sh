#!/usr/bin/env bash
# Component benchmark for the lazy filesystem (issue 3's performance targets), through the real
# `bin/replayer mount` of an eStargz image in a loopback docker-registry, next to local disk:
#   warm sequential read of a 1 GiB file through the mount vs local disk (target >= 50%),
#   find + stat over 20,000 files, second pass, vs local disk (target <= 2x),
#   cold read of a 100 MiB file from the loopback registry (target >= 200 MiB/s), twice: first as the
#   first read of a freshly started replayer JVM (JIT compilation included), then a second, different
#   100 MiB file, also cold in the chunk cache, read by the same JVM after the 1 GiB cold read has
#   warmed it up (what a long-lived node daemon sees).
# Prints one JSON object per line: {"metric": ..., "value": ..., "unit": ..., "note": ...}.
# Run by `bench/run --components`, or standalone (as root, for FUSE and drop_caches):
#   sudo bench/components/fs.sh run
# Environment: TF_REPO (default: this checkout), TF_CACHE (default /var/cache/tracefetch-bench),
# MVN_OFFLINE (default -o), TF_REPLAYER (the replayer launcher to benchmark, default
# $TF_REPO/bin/replayer; JAVA_OPTS is passed to it), FS_BENCH_ONLY=cold (only the cold reads: skips
# the local-disk baselines, the warm reads and find/stat). The data (1 GiB + 100 MiB random files, 20,000 small files) and the
# pushed image are made once under $TF_CACHE/components/fs and reused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export TF_REPO="${TF_REPO:-$(cd "$here/../.." && pwd)}"
export TF_CACHE="${TF_CACHE:-${TRACEFETCH_BENCH_CACHE:-/var/cache/tracefetch-bench}}"
source "$here/../lib/mode-common.sh"
replayer="${TF_REPLAYER:-$TF_REPO/bin/replayer}"
data="$TF_CACHE/components/fs"
mkdir -p "$data"

metric() { printf '{"metric": "%s", "value": %s, "unit": "%s", "note": "%s"}\n' "$1" "$2" "$3" "${4:-}"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
# Seconds taken by "$@" (output discarded).
timed() { local t0 t1; t0=$(now); "$@" >/dev/null; t1=$(now); calc "$t1 - $t0"; }
read_file() { dd if="$1" of=/dev/null bs=1M status=none; }
find_stat() { find "$1" -type f -exec stat -c %s {} + >/dev/null; }
# CPU seconds (user + system) process $1 has used so far.
cpu_of() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
# CPU seconds the replayer and the registry spent since the last call (for the notes).
cpu_mark() { cpu_last_replayer=$(cpu_of "$mount_pid"); cpu_last_registry=$(cpu_of "$registry_pid"); }
cpu_since() {
  local r g
  r=$(cpu_of "$mount_pid"); g=$(cpu_of "$registry_pid")
  printf 'replayer %s s + registry %s s CPU' "$(calc "$r - $cpu_last_replayer")" "$(calc "$g - $cpu_last_registry")"
}

mode_check() {
  [[ $EUID -eq 0 ]] || { echo "needs root (FUSE mount, drop_caches)"; return 1; }
  command -v docker-registry >/dev/null || { echo "docker-registry not installed"; return 1; }
  [[ -r /dev/fuse ]] || { echo "/dev/fuse is not available"; return 1; }
  check_cli "$replayer" mount --help || return 1
}

make_data() {
  if [[ ! -f "$data/1g.bin" ]]; then
    head -c $((1 << 30)) /dev/urandom >"$data/1g.bin.tmp" && mv "$data/1g.bin.tmp" "$data/1g.bin"
  fi
  local f
  for f in 100m 100m-second; do
    if [[ ! -f "$data/$f.bin" ]]; then
      head -c $((100 << 20)) /dev/urandom >"$data/$f.bin.tmp" && mv "$data/$f.bin.tmp" "$data/$f.bin"
    fi
  done
  if [[ ! -f "$data/tree.done" ]]; then
    rm -rf "$data/tree"
    for d in $(seq -w 0 199); do
      mkdir -p "$data/tree/d$d"
      for f in $(seq -w 0 99); do echo "$d/$f" >"$data/tree/d$d/f$f"; done
    done
    touch "$data/tree.done"
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_registry() {
  local port cfg
  port=$(free_port)
  cfg="$work/registry.yml"
  mkdir -p "$data/registry"
  printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$data/registry" "$port" >"$cfg"
  docker-registry serve "$cfg" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  on_exit "stop_pid $registry_pid"
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && { registry="127.0.0.1:$port"; return 0; }
    sleep 0.1
  done
  echo "docker-registry did not start; see $work/registry.log" >&2
  return 1
}

# Pushes the benchmark image once (the registry storage is kept under $data/registry).
push_image() {
  local tag=v3
  image="$registry/bench/fs:$tag"
  if curl -fsS -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$registry/v2/bench/fs/manifests/$tag"; then
    return 0
  fi
  local stage="$data/stage"
  rm -rf "$stage"
  mkdir -p "$stage/big" "$stage/cold"
  ln "$data/1g.bin" "$stage/big/1g.bin"
  ln "$data/100m.bin" "$stage/cold/100m.bin"
  ln "$data/100m-second.bin" "$stage/cold/100m-second.bin"
  cp -al "$data/tree" "$stage/tree"
  local cpfile="$TF_REPO/layer-format/target/bench-classpath.txt" cp
  if (cd "$TF_REPO" && mvn -B -q ${MVN_OFFLINE--o} -pl layer-format -am -DskipTests test-compile \
    dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=runtime >/dev/null); then
    cp="$TF_REPO/layer-format/target/classes:$TF_REPO/oci/target/classes:$(cat "$cpfile")"
  else
    # No maven-dependency-plugin offline: the replayer's runnable jar holds layer-format, oci and
    # their dependencies too.
    cp=$(ls "$TF_REPO"/replayer/target/replayer-*-all.jar | head -n 1)
  fi
  java -cp "$cp" "$here/FsBenchImage.java" "$stage" "$registry" bench/fs "$tag" >&2
  rm -rf "$stage"
}

# Mounts $image at $mnt with chunk cache $1 in the background (the real CLI, foreground mode).
mount_image() {
  mkdir -p "$mnt"
  "$replayer" mount "$image" "$mnt" --cache "$1" --cache-size 8G \
    >>"$work/replayer.log" 2>&1 &
  mount_pid=$!
  on_exit "stop_pid $mount_pid; umount -l $mnt"
  wait_mount "$mnt" "$mount_pid"
}

unmount_image() {
  stop_pid "$mount_pid"
  ! mountpoint -q "$mnt"
}

mode_run() {
  make_data
  work="$(mktemp -d "${TMPDIR:-/tmp}/fs-bench.XXXXXX")"
  on_exit "rm -rf $work"
  mnt="$work/mnt"
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)

  local only="${FS_BENCH_ONLY:-}"
  # Local disk baselines.
  drop_caches
  local local_cold local_warm local_find
  if [[ "$only" != cold ]]; then
  local_cold=$(timed read_file "$data/1g.bin")
  local_warm=$(timed read_file "$data/1g.bin")
  find_stat "$data/tree"
  local_find=$(timed find_stat "$data/tree")
  metric local_cold_seq_read_1gib "$(calc "1024 / $local_cold")" MiB/s "local disk, page cache dropped"
  metric local_warm_seq_read_1gib "$(calc "1024 / $local_warm")" MiB/s "local disk, from page cache"
  metric local_find_stat_20k_second_pass "$local_find" s "20,000 files, local disk"
  fi

  start_registry
  push_image
  # The registry's blob files in the page cache: "loopback registry" means no network, not a cold disk.
  find "$data/registry" -type f -name data -exec cat {} + >/dev/null

  # Cold read: fresh chunk cache, nothing fetched yet.
  mount_image "$work/cache"
  local cold100 first1g
  cpu_mark
  cold100=$(timed read_file "$mnt/cold/100m.bin")
  metric mount_cold_read_100mib "$(calc "100 / $cold100")" MiB/s \
    "first read of a fresh replayer JVM (JIT included), fresh mount and cache, eStargz chunks by HTTP range from a loopback registry; $(cpu_since); target >= 200 (load $load)"
  cpu_mark
  first1g=$(timed read_file "$mnt/big/1g.bin")
  metric mount_cold_read_1gib "$(calc "1024 / $first1g")" MiB/s "first read, fills the chunk cache; $(cpu_since)"
  # A second, different 100 MiB file, cold in the chunk cache, read by the now warmed-up JVM.
  local cold100b
  cpu_mark
  cold100b=$(timed read_file "$mnt/cold/100m-second.bin")
  metric mount_cold_read_100mib_warm_jvm "$(calc "100 / $cold100b")" MiB/s \
    "another 100 MiB file, not in the chunk cache, read by the replayer JVM warmed up by the reads above (as a long-lived daemon); $(cpu_since); load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ "$only" == cold ]]; then
    unmount_image
    metric machine_load_at_start 0 none "load average $load, $(nproc) cores"
    return 0
  fi

  # Warm: chunks in the chunk cache on disk; page cache dropped (like the local cold read) ...
  drop_caches
  local warm_disk warm_page
  cpu_mark
  warm_disk=$(timed read_file "$mnt/big/1g.bin")
  metric mount_warm_read_1gib_page_cache_dropped "$(calc "1024 / $warm_disk")" MiB/s \
    "$(calc "100 * $local_cold / $warm_disk")% of local disk cold; $(cpu_since); target >= 50%"
  # ... and with the file in the kernel page cache (like the local warm read).
  warm_page=$(timed read_file "$mnt/big/1g.bin")
  metric mount_warm_read_1gib_page_cache "$(calc "1024 / $warm_page")" MiB/s \
    "$(calc "100 * $local_warm / $warm_page")% of local disk warm; target >= 50%"

  # find + stat, second pass (the first pass fills the kernel's dentry and attribute caches).
  local first_find second_find
  first_find=$(timed find_stat "$mnt/tree")
  second_find=$(timed find_stat "$mnt/tree")
  metric mount_find_stat_20k_first_pass "$first_find" s "20,000 files through the mount"
  metric mount_find_stat_20k_second_pass "$second_find" s \
    "$(calc "$second_find / $local_find")x local disk; target <= 2x"
  unmount_image
  # Local disk again, right after, to show how much the machine's load moved meanwhile.
  read_file "$data/1g.bin"
  metric local_warm_seq_read_1gib_after "$(calc "1024 / $(timed read_file "$data/1g.bin")")" MiB/s \
    "local disk, from page cache, after the mount runs"
  metric machine_load_at_start 0 none "load average $load, $(nproc) cores"
}
mode_main "$@"
