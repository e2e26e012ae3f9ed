#!/usr/bin/env bash
# Component benchmark for the recorder (issue 4): recording overhead.
#   Time to ready of the same lazy start with recording on (bin/record-trace) and off
#   (bin/record-trace --no-record: same cold private cache, same sandbox, no access recorder),
#   alternating on/off per round so drift hits both alike. Target: on within 10% of off.
# Image: a bench workload's eStargz image from the bench cache (/var/cache/tracefetch-bench,
# built by bench/run) when present, else a small busybox image built here with umoci.
# Standalone:  sudo bench/components/record-overhead.sh [run] [--workload python|node|jvm|busybox] [--runs N]
#              bench/components/record-overhead.sh check   (exit 0 when it can run; bench/run calls both)
# Prints one JSON object per line: {"metric": ..., "value": ..., "unit": ..., "note": ...}.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${TRACEFETCH_BENCH_CACHE:-/var/cache/tracefetch-bench}"
workload=python
runs=5
action=run
while [[ $# -gt 0 ]]; do
  case "$1" in
    check|run) action="$1"; shift ;;
    --workload) workload="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
recorder="$repo/bin/record-trace"
if [[ "$action" == check ]]; then
  if ! "$recorder" --help >/dev/null 2>&1; then
    echo "bin/record-trace is not built: mvn -B -pl recorder -am package -DskipTests"
    exit 1
  fi
  [[ $(id -u) == 0 ]] || { echo "needs root (FUSE, namespaces)"; exit 1; }
  exit 0
fi
metric() { printf '{"metric": "%s", "value": %s, "unit": "%s", "note": "%s"}\n' "$1" "$2" "$3" "${4:-}"; }

work="$(mktemp -d /tmp/record-overhead.XXXXXX)"
registry_pid=""
cleanup() {
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "$recorder" --help >/dev/null 2>&1; then
  echo "bin/record-trace is not built: mvn -B -pl recorder -am package -DskipTests" >&2
  exit 1
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
storage="$cache/registry"
if [[ "$workload" == busybox || ! -d "$storage/docker/registry/v2/repositories/bench/$workload-estargz" ]]; then
  [[ "$workload" != busybox ]] && echo "no cached $workload-estargz image in $storage; using busybox" >&2
  workload=busybox
  storage="$work/registry"
fi
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $storage
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done

args=()
if [[ "$workload" == busybox ]]; then
  (cd "$work" && umoci init --layout lay && umoci new --image lay:v1 &&
    umoci unpack --rootless --image lay:v1 bundle >/dev/null &&
    mkdir -p bundle/rootfs/bin && cp /bin/busybox bundle/rootfs/bin/ &&
    for a in sh cat find; do ln -s busybox "bundle/rootfs/bin/$a"; done &&
    umoci repack --image lay:v1 bundle &&
    skopeo copy -q --dest-tls-verify=false oci:lay:v1 "docker://127.0.0.1:$port/bench/busybox:bench") >&2
  image="127.0.0.1:$port/bench/busybox:bench"
  args=(--ready exit -- /bin/sh -c 'find / -xdev -type f | head -n 50 | while read f; do cat "$f" >/dev/null; done')
else
  # bench/run tags eStargz images by chunk size (bench-c512K, ...); older caches have plain "bench".
  tags="$storage/docker/registry/v2/repositories/bench/$workload-estargz/_manifests/tags"
  tag=bench-c${CHUNK_SIZE:-512K}
  [[ -d "$tags/$tag" ]] || tag=$(ls "$tags" | head -n 1)
  image="127.0.0.1:$port/bench/$workload-estargz:$tag"
  app_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ready=$(python3 -c "import json,sys; print(json.load(open('$repo/bench/workloads/$workload/recipe.json'))['ready']['kind'])")
  case "$ready" in
    http) args=(--env "PORT=$app_port" --ready "http://127.0.0.1:$app_port/") ;;
    port) args=(--env "PORT=$app_port" --ready "tcp:$app_port") ;;
    log) args=(--env "PORT=$app_port" --ready "log:$(python3 -c "import json; print(json.load(open('$repo/bench/workloads/$workload/recipe.json'))['ready'].get('regex', 'READY'))")") ;;
  esac
fi

one() { # one run; prints time to ready in ms
  local mode="$1"
  local out="$work/$mode.json"
  local extra=()
  [[ "$mode" == off ]] && extra=(--no-record)
  "$recorder" --image "$image" --app record-overhead --grace 0s --timeout 120s --json \
    --out "$work/$mode.trace" "${extra[@]}" "${args[@]}" >"$out" 2>>"$work/recorder.log" || {
    echo "record-trace ($mode) failed; see below" >&2; tail -n 20 "$work/recorder.log" >&2; exit 1; }
  python3 -c "import json; print(json.load(open('$out'))['timeToReadyMillis'])"
}
one on >/dev/null # warm-up: JVM class data, registry page cache
on=(); off=()
for i in $(seq 1 "$runs"); do
  if (( i % 2 )); then on+=("$(one on)"); off+=("$(one off)"); else off+=("$(one off)"); on+=("$(one on)"); fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m_on=$(median "${on[@]}"); m_off=$(median "${off[@]}")
events=$(python3 -c "import json; d=json.load(open('$work/on.json')); print(d['events'], d['filesTouched'], d['chunks'], d['droppedEvents'])")
metric record_time_to_ready_on "$m_on" ms "median of $runs, $workload, recording on; runs: ${on[*]}"
metric record_time_to_ready_off "$m_off" ms "median of $runs, $workload, recording off (--no-record); runs: ${off[*]}"
metric record_overhead "$(awk "BEGIN { printf \"%.1f\", 100 * ($m_on - $m_off) / $m_off }")" percent \
  "(on - off) / off; target <= 10; last recording: events files chunks dropped = $events"
