#!/usr/bin/env bash
# Component benchmark for the trace store (issue 5): ingest of 20,000-event traces over REST and
# cached replay-plan fetches, against a throwaway PostgreSQL (pg_virtualenv -t). Runs
# bench/trace-store/run, which prints one JSON metric per line besides its human-readable report.
# TF_STORE_UPLOADS (default 2000), TF_STORE_CLIENTS (8), TF_STORE_PLAN_SECONDS (20) and
# TF_STORE_WARMUPS (3000 uploads of another app first, so the JIT has settled) shape the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/mode-common.sh"
mode_check() {
  check_cli "$TF_REPO/bin/trace-store" --help || return 1
  command -v mvn >/dev/null || { echo "mvn not installed"; return 1; }
}
mode_run() {
  "$TF_REPO/bench/trace-store/run" "${TF_STORE_UPLOADS:-2000}" 20000 "${TF_STORE_CLIENTS:-8}" \
    "${TF_STORE_PLAN_SECONDS:-20}" "${TF_STORE_WARMUPS:-3000}"
}
mode_main "$@"
