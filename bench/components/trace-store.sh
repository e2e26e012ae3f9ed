#!/usr/bin/env bash
# Component benchmark for the trace store (issue 5): trace ingest throughput and replay-plan
# latency. PLUG-IN POINT: reported as pending until `bin/trace-store` serves its API.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../lib/mode-common.sh"
mode_check() { check_cli "$TF_REPO/bin/trace-store" --help; }
mode_run() {
  # To be written with issue 5: start bin/trace-store on a throwaway PostgreSQL (pg_virtualenv),
  # upload N recorded traces (bench/results of mode 6 prepare), time ingest and plan requests.
  printf '{"metric": "trace_store", "value": 0, "unit": "none", "note": "pending: ingest/plan benchmark not written yet"}\n'
}
mode_main "$@"
