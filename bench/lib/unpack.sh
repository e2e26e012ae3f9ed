#!/usr/bin/env bash
# Unpacks gzip'd OCI layer tarballs, in order, into one root filesystem with OCI whiteout semantics
# (the classic "docker pull" unpack path: GNU tar, one pass per layer).
# Usage: unpack.sh ROOTFS SKOPEO_DIR      (a `skopeo copy ... dir:SKOPEO_DIR`: manifest.json + blobs)
#        unpack.sh ROOTFS BLOB...         (layer blobs, lowest first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3
root="$1"; shift
if [[ $# -eq 1 && -d "$1" ]]; then
  dir="$1"
  mapfile -t blobs < <("$py" -c 'import json,sys
m=json.load(open(sys.argv[1]+"/manifest.json"))
for l in m["layers"]: print(sys.argv[1]+"/"+l["digest"].split(":",1)[1])' "$dir")
else
  blobs=("$@")
fi
mkdir -p "$root"
# Like containerd, decompress with unpigz (separate read/inflate/write threads) when available.
decomp=-z
command -v unpigz >/dev/null && decomp="--use-compress-program=unpigz"
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
for blob in "${blobs[@]}"; do
  # -v lists the members as they are extracted, so whiteouts are applied without a second pass.
  tar -xvf "$blob" -C "$root" $decomp --numeric-owner --same-permissions --quoting-style=literal >"$list"
  if grep -q '\.wh\.' "$list"; then
    "$py" "$here/whiteouts.py" "$root" "$list"
  fi
done
