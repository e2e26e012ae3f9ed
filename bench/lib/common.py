"""Helpers shared by the benchmark harness: logging, subprocess, cache paths, hashing."""

import hashlib
import json
import os
import socket
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(BENCH_DIR)
CACHE_DIR = os.environ.get("TRACEFETCH_BENCH_CACHE", "/var/cache/tracefetch-bench")
# Scratch space for runs (pull targets, mount points). Everything under it is disposable.
WORK_DIR = os.environ.get("TRACEFETCH_BENCH_WORK", "/var/tmp/tracefetch-bench")
# Fixed timestamp so layer tarballs, gzip streams and squashfs images are byte-for-byte reproducible.
SOURCE_DATE_EPOCH = 1704067200  # 2024-01-01T00:00:00Z
MIRROR = os.environ.get("TRACEFETCH_BENCH_MIRROR", "http://deb.debian.org/debian")
SUITE = "bookworm"

_t0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - _t0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def run(cmd, check=True, quiet=False, **kw):
    """Runs a command; on failure raises with the command line and its captured output."""
    if quiet:
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.STDOUT)
    p = subprocess.run(cmd, **kw)
    if check and p.returncode != 0:
        out = p.stdout.decode(errors="replace")[-4000:] if isinstance(p.stdout, bytes) else ""
        raise RuntimeError(f"command failed (exit {p.returncode}): {' '.join(map(str, cmd))}\n{out}")
    return p


def sha256_file(path, bufsize=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(bufsize)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def hash_tree(paths, extra=""):
    """Content hash of files/directories (names + bytes), used as a recipe cache key."""
    h = hashlib.sha256(extra.encode())
    for top in paths:
        if os.path.isfile(top):
            files = [top]
        else:
            files = []
            for d, dirs, names in os.walk(top):
                dirs.sort()
                files += [os.path.join(d, n) for n in sorted(names)]
        for f in files:
            h.update(os.path.relpath(f, BENCH_DIR).encode() + b"\0")
            with open(f, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()[:16]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drop_caches():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def dir_size(path):
    total = 0
    for d, _, names in os.walk(path):
        for n in names:
            try:
                st = os.lstat(os.path.join(d, n))
            except FileNotFoundError:
                continue
            total += st.st_size
    return total
