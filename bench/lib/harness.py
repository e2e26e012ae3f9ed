"""tracefetch cold-start benchmark harness (entry point: bench/run).

Builds the workload images (cached), starts a local registry and a squashfs HTTP server, puts
an emulated link in front of both, then times every workload x mode from a cold node (fresh
scratch dir, dropped page cache) to ready, and writes bench/results/.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import images  # noqa: E402
import needed  # noqa: E402
import report  # noqa: E402
from common import (BENCH_DIR, CACHE_DIR, REPO_DIR, WORK_DIR, drop_caches, free_port, log,  # noqa: E402
                    read_json, run, write_json)

PY = "/usr/bin/python3"

# ------------------------------------------------------------------ mode registry
# name -> (script under bench/modes, label, link-dependent). Modes 4-7 are plug-in points for
# tracefetch's own filesystem and replayer: their scripts call bin/replayer etc. and report
# themselves unavailable (skipped, with the reason) until those subcommands are implemented.
MODES = {
    "warm": ("warm.sh", "1 warm (local rootfs)", False),
    "full-pull": ("full-pull.sh", "2 full pull (skopeo + tar)", True),
    "squashfs-http": ("squashfs-http.sh", "3 squashfs over HTTP (httpfs2 + squashfuse)", True),
    "lazy": ("lazy.sh", "4 lazy, no prefetch (tracefetch FUSE)", True),
    "lazy-landmark": ("lazy-landmark.sh", "5 lazy + landmark prefetch", True),
    "lazy-replay": ("lazy-replay.sh", "6 lazy + trace replay (tracefetch)", True),
    "prefetch-all": ("prefetch-all.sh", "7 prefetch-all, then run", True),
}

LINKS = {
    "100mbit-20ms": (100.0, 20.0),
    "1gbit-2ms": (1000.0, 2.0),
}


def parse_link(s):
    if s in LINKS:
        return s, LINKS[s]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(mbit|gbit)-(\d+(?:\.\d+)?)ms", s)
    if not m:
        raise SystemExit(f"bench/run: bad --links entry {s!r} (want e.g. 100mbit-20ms)")
    rate = float(m.group(1)) * (1000 if m.group(2) == "gbit" else 1)
    return s, (rate, float(m.group(3)))


# ------------------------------------------------------------------ background services

class Services:
    """Starts background processes with a parent-death signal and stops them all on exit."""

    def __init__(self):
        self.procs = []

    def start(self, name, cmd, **kw):
        # The registry, the HTTP server and the link emulator stand for the network and remote
        # hosts, which do not compete for the node's CPU: they run at a higher priority (nice -10)
        # than the workload so the 2 shared cores distort the emulated link as little as possible.
        p = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", "--", "nice", "-n", "-10"] + cmd,
                             start_new_session=True, stdin=subprocess.DEVNULL, **kw)
        self.procs.append((name, p))
        return p

    def stop(self, p):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def close(self):
        for _, p in reversed(self.procs):
            self.stop(p)
        self.procs = []


def wait_file(path, proc, what, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before it was ready")
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout}s")


def start_registry(svc, work):
    port = free_port()
    storage = os.path.join(CACHE_DIR, "registry")
    os.makedirs(storage, exist_ok=True)
    cfg = os.path.join(work, "registry.yml")
    with open(cfg, "w") as f:
        f.write("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                f"storage:\n  filesystem:\n    rootdirectory: {storage}\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    p = svc.start("registry", ["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL,
                  stderr=open(os.path.join(work, "registry.log"), "w"))
    end = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2) as r:
                if r.status == 200:
                    return f"127.0.0.1:{port}"
        except OSError:
            pass
        if p.poll() is not None or time.time() > end:
            raise RuntimeError("docker-registry did not start; see " + os.path.join(work, "registry.log"))
        time.sleep(0.1)


def start_rangeserver(svc, root, work):
    pf = os.path.join(work, "rangeserver.port")
    p = svc.start("rangeserver", [PY, os.path.join(BENCH_DIR, "lib", "rangeserver.py"), root, pf])
    wait_file(pf, p, "rangeserver")
    return int(open(pf).read())


def start_proxy(svc, rate_mbit, rtt_ms, forwards, work, tag):
    pf = os.path.join(work, f"linkproxy-{tag}.json")
    cmd = [PY, os.path.join(BENCH_DIR, "lib", "linkproxy.py"), "--rate-mbit", str(rate_mbit),
           "--rtt-ms", str(rtt_ms), "--ports-file", pf]
    for name, hp in forwards.items():
        cmd += ["--forward", f"{name}={hp}"]
    p = svc.start("linkproxy", cmd)
    wait_file(pf, p, "linkproxy")
    return p, read_json(pf)


def start_trace_store(svc, work):
    """Starts bin/trace-store (mode 6's plan source) with its embedded PostgreSQL under the bench
    prep dir, which keeps the uploaded traces across harness runs, and a bootstrap admin token
    (kept next to it). Returns {"direct": host:port, "token": ...}, or None when not built."""
    tool = os.path.join(REPO_DIR, "bin", "trace-store")
    if subprocess.run([tool, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        log("trace store: bin/trace-store is not built; mode 6 falls back to build-replay")
        return None
    prep = os.path.join(CACHE_DIR, "prep")
    os.makedirs(prep, exist_ok=True)
    token_file = os.path.join(prep, "trace-store.token")
    if not os.path.exists(token_file):
        with open(token_file, "w") as f:
            f.write(os.urandom(24).hex() + "\n")
        os.chmod(token_file, 0o600)
    token = open(token_file).read().strip()
    port = free_port()
    env = dict(os.environ, TRACE_STORE_PORT=str(port), TRACE_STORE_GRPC_PORT="0",
               TRACE_STORE_ADMIN_TOKEN=token, JAVA_OPTS="-Xmx512m")
    logf = os.path.join(work, "trace-store.log")
    p = svc.start("trace-store", [tool, f"--tracestore.embedded-db.data-dir={os.path.join(prep, 'trace-store')}",
                                  "--tracestore.grpc.address=127.0.0.1"],
                  env=env, stdout=open(logf, "w"), stderr=subprocess.STDOUT)
    end = time.time() + 180
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/actuator/health/readiness", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if p.poll() is not None or time.time() > end:
            log(f"trace store did not start (see {logf}); mode 6 falls back to build-replay")
            svc.stop(p)
            return None
        time.sleep(0.5)
    log(f"trace store at 127.0.0.1:{port} (embedded PostgreSQL under {prep}/trace-store)")
    return {"direct": f"127.0.0.1:{port}", "token": token}


def proxy_stats(control_port, reset=False, detail=False):
    c = http.client.HTTPConnection("127.0.0.1", control_port, timeout=10)
    c.request("POST" if reset else "GET", "/reset" if reset else ("/stats?detail" if detail else "/stats"))
    r = c.getresponse()
    body = json.loads(r.read())
    c.close()
    return body


# ------------------------------------------------------------------ link measurement

def measure_link(http_port, direct_port, size_bytes):
    """Measures what the emulation delivers: single- and 4-stream throughput, request RTT."""

    def get(port, path, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        t0 = time.perf_counter()
        c.request("GET", path)
        r = c.getresponse()
        first = None
        n = 0
        while True:
            b = r.read(1 << 16)
            if first is None:
                first = time.perf_counter()
            if not b:
                break
            n += len(b)
        t1 = time.perf_counter()
        if conn is None:
            c.close()
        return t0, first, t1, n

    # throughput, one stream: bytes / (last byte - first byte)
    t0, first, t1, n = get(http_port, "/_linktest/blob")
    single = n * 8 / (t1 - first) / 1e6
    # four parallel streams: the cap is for the whole link, so together they get the same rate
    results = []

    def worker():
        results.append(get(http_port, "/_linktest/blob"))

    ts = [threading.Thread(target=worker) for _ in range(4)]
    start = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    end = max(r[2] for r in results)
    multi = sum(r[3] for r in results) * 8 / (end - start) / 1e6

    def rtts(port):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        get(port, "/_linktest/small", c)
        vals = []
        for _ in range(15):
            a, _, b, _ = get(port, "/_linktest/small", c)
            vals.append((b - a) * 1000)
        c.close()
        fresh = []
        for _ in range(5):
            a, _, b, _ = get(port, "/_linktest/small")
            fresh.append((b - a) * 1000)
        return statistics.median(vals), statistics.median(fresh)

    rtt_keep, rtt_new = rtts(http_port)
    base_keep, base_new = rtts(direct_port)
    return {
        "throughput_mbit_1stream": round(single, 1),
        "throughput_mbit_4streams_total": round(multi, 1),
        "request_rtt_ms_keepalive": round(rtt_keep, 2),
        "request_rtt_ms_new_connection": round(rtt_new, 2),
        "request_ms_without_link": round(base_keep, 2),
        "test_bytes": size_bytes,
    }


# ------------------------------------------------------------------ readiness probes

def probe_ready(spec, port, stdout_event):
    kind = spec["kind"]
    if kind == "log":
        return stdout_event.is_set()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
    except OSError:
        return False
    try:
        if kind == "port":
            return True
        s.sendall(f"GET {spec.get('path', '/')} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        s.settimeout(5)
        line = s.makefile("rb").readline()
        return line.split(b" ")[1:2] == [b"200"]
    except OSError:
        return False
    finally:
        s.close()


def mode_env(ctx, wl, image_dir, run_dir, port):
    rec = read_json(os.path.join(image_dir, "info.json"))["recipe"]
    env_lines = [f"PORT={port}"] + [f"{k}={v}" for k, v in sorted(rec.get("env", {}).items())]
    ready = rec["ready"]
    ready_spec = {"http": f"http:http://127.0.0.1:{port}{ready.get('path', '/')}",
                  "port": f"tcp:{port}", "log": f"log:{ready.get('pattern', '')}"}[ready["kind"]]
    env = dict(os.environ)
    env.update({
        "TF_REPO": REPO_DIR, "TF_RUN_DIR": run_dir, "TF_IMAGE_DIR": image_dir, "TF_NAME": wl,
        "TF_TAG": images.TAG, "TF_PYTHON": PY,
        "TF_IMAGE_REF": f"{ctx['link_registry']}/bench/{wl}:{images.TAG}",
        "TF_LINK_REGISTRY": ctx["link_registry"], "TF_REGISTRY_DIRECT": ctx["registry"],
        "TF_SQFS_URL": f"http://127.0.0.1:{ctx['link_sqfs_port']}/{wl}",
        "TF_WORKDIR": rec.get("workdir", "/"), "TF_ENV": "\n".join(env_lines),
        "TF_PREP_DIR": os.path.join(CACHE_DIR, "prep", os.path.basename(image_dir)),
        "TF_READY": ready_spec, "TF_CMD_JSON": json.dumps(rec["cmd"]),
        "TF_CHUNK_SIZE": ctx.get("chunk_size", "512K"),
    })
    store = ctx.get("store")
    if store:
        env.update({"TF_STORE_DIRECT": f"http://{store['direct']}", "TF_STORE_TOKEN": store["token"],
                    "TF_STORE_LINK": f"http://{ctx.get('link_store', store['direct'])}"})
    return env, rec


def mode_script(mode):
    return os.path.join(BENCH_DIR, "modes", MODES[mode][0])


def check_mode(ctx, mode, wl, image_dir):
    env, _ = mode_env(ctx, wl, image_dir, os.path.join(WORK_DIR, "check"), 0)
    p = subprocess.run(["bash", mode_script(mode), "check"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return None if p.returncode == 0 else (p.stdout.strip().splitlines() or ["unavailable"])[-1]


PREP_NOTES = []  # e.g. a mode that fell back to another way than the issue asks for


def prepare_mode(ctx, mode, wl, image_dir):
    # A real port: preparation may start the workload (record-trace), which listens on it.
    env, _ = mode_env(ctx, wl, image_dir, os.path.join(WORK_DIR, "prepare"), free_port())
    t0 = time.time()
    p = subprocess.run(["bash", mode_script(mode), "prepare"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"modes/{MODES[mode][0]} prepare (exit {p.returncode}):\n{p.stdout[-3000:]}")
    if time.time() - t0 > 2:
        log(f"prepared {mode} for {wl} in {time.time() - t0:.0f}s (untimed)")
    for line in p.stdout.splitlines():
        if "FALLBACK" in line:
            log(f"  {wl} {mode}: {line.strip()}")
            note = f"{wl} {mode}: {line.strip()}"
            if note not in PREP_NOTES:
                PREP_NOTES.append(note)


def mode_stats(mode, env, pid):
    """Runs `modes/NAME.sh stats` inside the run's mount namespace; merges its JSON object."""
    try:
        p = subprocess.run(["nsenter", "-t", str(pid), "-m", "--", "bash", mode_script(mode), "stats"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return {}
    for line in reversed(p.stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return {"stats": obj, **({"hit_ratio": obj["hit_ratio"]} if "hit_ratio" in obj else {})}
    return {}


# Modes served by bin/replayer: with the node daemon available, each of their runs gets a fresh
# `replayer daemon` (untimed, like containerd-stargz-grpc already running on the node).
REPLAYER_MODES = {"lazy", "lazy-landmark", "lazy-replay", "prefetch-all"}


def daemon_available():
    tool = os.path.join(REPO_DIR, "bin", "replayer")
    p = subprocess.run([tool, "daemon", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode == 0 and "replayer daemon" in p.stdout


def start_daemon(ctx, run_dir, log_path):
    """Starts `replayer daemon` in a private mount namespace of its own (its FUSE mounts live and
    die there; the run joins it) with this run's empty chunk cache; waits for its socket."""
    sock = os.path.join(run_dir, "daemon.sock")
    mport = free_port()
    cache = os.path.join(run_dir, "cache")
    os.makedirs(cache, exist_ok=True)
    p = subprocess.Popen(
        ["setpriv", "--pdeathsig", "TERM", "--", "unshare", "--mount", "--propagation", "private", "--",
         os.path.join(REPO_DIR, "bin", "replayer"), "daemon", "--socket", sock, "--cache", cache,
         "--insecure-registry", ctx["link_registry"], "--metrics-address", f"127.0.0.1:{mport}"],
        stdout=subprocess.DEVNULL, stderr=open(log_path, "w"), stdin=subprocess.DEVNULL, start_new_session=True)
    end = time.time() + 120
    while not os.path.exists(sock):
        if p.poll() is not None or time.time() > end:
            stop_daemon(p)
            with open(log_path, errors="replace") as f:
                raise RuntimeError(f"replayer daemon did not start:\n{f.read()[-2000:]}")
        time.sleep(0.05)
    return {"proc": p, "socket": sock, "metrics": f"127.0.0.1:{mport}"}


def stop_group(p):
    """SIGTERM to the process group of P, then SIGKILL after 30 s."""
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    except ProcessLookupError:
        pass


def stop_daemon(p):
    """The daemon unmounts everything on SIGTERM."""
    stop_group(p)


def clear_daemon_cache(daemon, timeout=60):
    """Empties a running daemon's chunk cache once the previous run's mount is released (the run's
    cleanup unmounts it; the daemon reaps it within a second). Untimed: a node whose daemon is up
    but has never seen this image."""
    tool = os.path.join(REPO_DIR, "bin", "replayer")
    end = time.time() + timeout
    while True:
        p = subprocess.run([tool, "clear-cache", "--daemon-socket", daemon["socket"]],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode == 0:
            return
        if time.time() > end:
            raise RuntimeError(f"replayer clear-cache failed: {p.stdout.strip()}")
        time.sleep(0.5)


def run_once(ctx, mode, wl, image_dir, timeout, drop=True, after_ready=None):
    """One cold start to ready. Returns a result dict (time, bytes, requests, phases)."""
    run_dir = os.path.join(WORK_DIR, f"run-{mode}-{wl}-{os.getpid()}")
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    daemon = None
    shared = ctx.get("shared_daemon") if mode in REPLAYER_MODES else None
    try:
        if shared:
            clear_daemon_cache(shared)
            return _run_once(ctx, mode, wl, image_dir, timeout, drop, after_ready, run_dir, shared)
        if ctx.get("daemon") and mode in REPLAYER_MODES:
            os.makedirs(os.path.join(WORK_DIR, "logs"), exist_ok=True)
            daemon = start_daemon(ctx, run_dir, os.path.join(WORK_DIR, "logs", f"daemon-{mode}-{wl}.log"))
        return _run_once(ctx, mode, wl, image_dir, timeout, drop, after_ready, run_dir, daemon)
    finally:
        if daemon:
            stop_daemon(daemon["proc"])
        # Mounts lived in the run's private mount namespace, which is gone with its processes:
        # only plain directories are left here.
        shutil.rmtree(run_dir, ignore_errors=True)


def _run_once(ctx, mode, wl, image_dir, timeout, drop, after_ready, run_dir, daemon=None):
    port = free_port()
    env, rec = mode_env(ctx, wl, image_dir, run_dir, port)
    namespace = ["unshare", "--mount", "--propagation", "private", "--"]
    if daemon:
        env.update({"TF_DAEMON_SOCKET": daemon["socket"], "TF_DAEMON_METRICS": daemon["metrics"]})
        namespace = ["nsenter", "-t", str(daemon["proc"].pid), "-m", "--"]
    logs = os.path.join(WORK_DIR, "logs")
    os.makedirs(logs, exist_ok=True)
    errlog = os.path.join(logs, f"last-{mode}-{wl}.log")
    if drop:
        drop_caches()
    if ctx.get("control_port"):
        proxy_stats(ctx["control_port"], reset=True)
    ready_event = threading.Event()
    pattern = re.compile(rec["ready"].get("pattern", "$^").encode())
    t0 = time.time()
    p = subprocess.Popen(
        ["setpriv", "--pdeathsig", "TERM", "--"] + namespace + ["bash", mode_script(mode), "run", "--"] + rec["cmd"],
        env=env, stdout=subprocess.PIPE, stderr=open(errlog, "w"), stdin=subprocess.DEVNULL,
        start_new_session=True)
    out_tail = []

    def drain():
        for line in p.stdout:
            if len(out_tail) < 50:
                out_tail.append(line.decode(errors="replace").rstrip())
            if pattern.search(line):
                ready_event.set()

    threading.Thread(target=drain, daemon=True).start()
    result = {"mode": mode, "workload": wl}
    try:
        while True:
            if probe_ready(rec["ready"], port, ready_event):
                result["ready_s"] = time.time() - t0
                break
            if p.poll() is not None:
                result["error"] = f"exited with {p.returncode} before ready"
                break
            if time.time() - t0 > timeout:
                result["error"] = f"not ready within {timeout}s"
                break
            time.sleep(0.005)
        if ctx.get("control_port"):
            result["link"] = proxy_stats(ctx["control_port"])
        if "ready_s" in result and p.poll() is None:
            result.update(mode_stats(mode, env, p.pid))
        if after_ready and "ready_s" in result:
            result.update(after_ready())
    finally:
        if p.poll() is None:
            stop_group(p)
        # anything left in its process group (e.g. a wedged FUSE daemon)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    phases = {}
    with open(errlog, errors="replace") as f:
        for line in f:
            m = re.match(r"PHASE (\S+) (\d+\.\d+)", line)
            if m:
                phases[m.group(1)] = round(float(m.group(2)) - t0, 3)
    result["phases"] = phases
    if "error" in result:
        with open(errlog, errors="replace") as f:
            result["stderr_tail"] = f.read()[-1500:]
        result["stdout_tail"] = out_tail[-10:]
    return result


# ------------------------------------------------------------------ readahead control

READAHEAD_RESTORE = os.path.join(WORK_DIR, "readahead.restore")


def restore_readahead():
    """Puts back a disk readahead setting a crashed profile run left behind."""
    if os.path.exists(READAHEAD_RESTORE):
        path, value = open(READAHEAD_RESTORE).read().split()
        with open(path, "w") as f:
            f.write(value)
        os.unlink(READAHEAD_RESTORE)


class readahead_off:
    """Turns the disk's readahead off for a profile run (so resident pages = pages read)."""

    def __init__(self, path):
        self.path = needed.readahead_path(path)

    def __enter__(self):
        if self.path:
            with open(READAHEAD_RESTORE, "w") as f:
                f.write(f"{self.path} {open(self.path).read().strip()}\n")
            with open(self.path, "w") as f:
                f.write("0")

    def __exit__(self, *exc):
        restore_readahead()


def estargz_images(ctx, built):
    """Converts each image to eStargz with `trace-layer-builder convert` (untimed, once: the
    registry keeps the result) for modes 4-7, and returns the eStargz layer sizes."""
    out = {}
    for w, d in built.items():
        env, _ = mode_env(ctx, w, d, os.path.join(WORK_DIR, "prepare"), 0)
        script = ('source "$TF_REPO/bench/lib/mode-common.sh"; source "$TF_REPO/bench/lib/lazy-common.sh"; '
                  'check_cli "$BUILDER" convert --help || exit 3; ensure_estargz; estargz_ref "$TF_REGISTRY_DIRECT"')
        p = subprocess.run(["bash", "-c", script, "estargz"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if p.returncode == 3:
            log(f"eStargz conversion skipped: {p.stdout.strip()}")
            return {}
        if p.returncode != 0:
            log(f"eStargz conversion of {w} failed:\n{p.stdout[-2000:]}")
            continue
        ref = p.stdout.strip().splitlines()[-1]
        raw = subprocess.run(["skopeo", "inspect", "--tls-verify=false", "--raw", f"docker://{ref}"],
                             stdout=subprocess.PIPE, text=True)
        if raw.returncode == 0:
            layers = json.loads(raw.stdout)["layers"]
            out[w] = {"compressed": sum(l["size"] for l in layers), "layers": len(layers),
                      "chunk_size": ctx.get("chunk_size", "512K")}
            log(f"eStargz image of {w}: {out[w]['compressed'] / 1e6:.1f} MB")
    return out


def run_components():
    """Runs bench/components/*.sh (check, then run); each prints JSON metrics, one per line."""
    out = {}
    env = dict(os.environ, TF_REPO=REPO_DIR, TF_CACHE=CACHE_DIR, TF_RUN_DIR=WORK_DIR)
    comp_dir = os.path.join(BENCH_DIR, "components")
    for n in sorted(os.listdir(comp_dir)):
        if not n.endswith(".sh"):
            continue
        name = n[:-3]
        script = os.path.join(comp_dir, n)
        chk = subprocess.run(["bash", script, "check"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        if chk.returncode != 0:
            out[name] = {"skipped": (chk.stdout.strip().splitlines() or ["unavailable"])[-1]}
            log(f"component {name}: skipped ({out[name]['skipped']})")
            continue
        log(f"component {name}: running")
        p = subprocess.run(["bash", script, "run"], env=env, stdout=subprocess.PIPE, text=True)
        metrics = []
        for line in p.stdout.splitlines():
            try:
                metrics.append(json.loads(line))
            except ValueError:
                pass
        out[name] = {"metrics": metrics, "exit": p.returncode}
        for m in metrics:
            log(f"  {name}: {m['metric']} = {m['value']} {m['unit']} {m.get('note', '')}")
    return out


def remove_stale_scratch():
    """Removes scratch dirs of harnesses that were killed (their mounts died with them)."""
    with open("/proc/mounts") as f:
        mounted = [line.split()[1] for line in f]
    for n in os.listdir(WORK_DIR):
        m = re.fullmatch(r"(?:harness|run-.*)-(\d+)", n)
        if not m or os.path.exists(f"/proc/{m.group(1)}"):
            continue
        path = os.path.join(WORK_DIR, n)
        if any(mp == path or mp.startswith(path + "/") for mp in mounted):
            log(f"warning: {path} has mounts; leaving it alone")
            continue
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------ main

def machine_info():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    osr = {}
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            k, _, v = line.strip().partition("=")
            osr[k] = v.strip('"')
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "memory_gib": round(mem / 2**30, 1), "os": osr.get("PRETTY_NAME", "?"),
            "loadavg_start": os.getloadavg()[0]}


def main():
    ap = argparse.ArgumentParser(prog="bench/run", description="tracefetch cold-start benchmark")
    ap.add_argument("--quick", action="store_true",
                    help="2 runs per cell on the first link, 1 on the others (default 5 everywhere); "
                         "aims at 10 min once the images are cached")
    ap.add_argument("--runs", type=int, help="runs per workload x mode x link")
    ap.add_argument("--workloads", default=",".join(images.WORKLOADS))
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--links", default="100mbit-20ms,1gbit-2ms", help="e.g. 100mbit-20ms,1gbit-2ms,50mbit-40ms")
    ap.add_argument("--timeout", type=float, default=180, help="seconds to ready before a run counts as failed")
    ap.add_argument("--out", default=os.path.join(BENCH_DIR, "results"))
    ap.add_argument("--components", action=argparse.BooleanOptionalAction, default=None,
                    help="also run the component benchmarks in bench/components (default: on unless --quick)")
    ap.add_argument("--chunk-size", default="512K",
                    help="eStargz chunk size for modes 4-7 (trace-layer-builder convert --chunk-size), e.g. 1M")
    ap.add_argument("--daemon", action=argparse.BooleanOptionalAction, default=None,
                    help="modes 4-7 mount through a `replayer daemon` started untimed per run "
                         "(default: on when bin/replayer has the daemon command)")
    ap.add_argument("--daemon-lifetime", choices=["link", "run"], default="link",
                    help="link: one daemon per link, its cache cleared before every run (a node whose "
                         "daemon is up but has never seen the image; one untimed warm-up start first); "
                         "run: a fresh daemon per run (the first start after the daemon booted)")
    ap.add_argument("--build-only", action="store_true", help="build and push the images, then stop")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench/run: must run as root (mounts, namespaces, drop_caches)")
    runs = a.runs or (2 if a.quick else 5)
    # --quick: 2 runs on the first (default) link, 1 on the others (7 modes x 3 workloads each).
    runs_other = a.runs or (1 if a.quick else 5)
    workloads = [w for w in a.workloads.split(",") if w]
    modes = [m for m in a.modes.split(",") if m]
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"bench/run: unknown mode {m!r}; known: {', '.join(MODES)}")
    links = [parse_link(s) for s in a.links.split(",") if s]

    started = datetime.datetime.now(datetime.timezone.utc)
    info = machine_info()
    log(f"machine: {info['cpu']}, {info['cores']} cores, kernel {info['kernel']}, load {info['loadavg_start']:.1f}")
    os.makedirs(WORK_DIR, exist_ok=True)
    restore_readahead()
    remove_stale_scratch()
    work = os.path.join(WORK_DIR, f"harness-{os.getpid()}")
    os.makedirs(work)
    svc = Services()

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # Explicitly, as a harness started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        built = images.build_all(workloads)
        infos = {w: read_json(os.path.join(d, "info.json")) for w, d in built.items()}
        registry = start_registry(svc, work)
        log(f"registry at {registry}; pushing images")
        for w, d in built.items():
            run(["skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false",
                 f"oci:{d}/oci:{images.TAG}", f"docker://{registry}/bench/{w}:{images.TAG}"], quiet=True)
        # squashfs layers (and the link test files) served over HTTP
        serve = os.path.join(work, "serve")
        os.makedirs(os.path.join(serve, "_linktest"))
        for w, d in built.items():
            os.symlink(os.path.join(d, "sqfs"), os.path.join(serve, w))
        blob_size = 20 * 1000 * 1000
        with open(os.path.join(serve, "_linktest", "blob"), "wb") as f:
            f.write(os.urandom(blob_size))
        with open(os.path.join(serve, "_linktest", "small"), "wb") as f:
            f.write(b"ok\n")
        sqfs_port = start_rangeserver(svc, serve, work)
        if a.build_only:
            log("images built and pushed")
            return
        use_daemon = daemon_available() if a.daemon is None else a.daemon
        log("modes 4-7 mount " + (f"through a `replayer daemon` (lifetime: {a.daemon_lifetime})" if use_daemon
                                  else "with a foreground `replayer mount` (its JVM start is timed)"))
        store = start_trace_store(svc, work) if "lazy-replay" in modes else None
        ctx = {"registry": registry, "link_registry": registry, "link_sqfs_port": sqfs_port,
               "chunk_size": a.chunk_size, "store": store}
        estargz = estargz_images(ctx, built)

        # bytes each start really reads (untimed profile run in warm mode)
        needs = {}
        for w, d in built.items():
            npath = os.path.join(d, "needed.json")
            if not os.path.exists(npath):
                log(f"profiling what {w} reads at start (untimed warm run, disk readahead off, mincore)")
                with readahead_off(os.path.join(d, "rootfs")):
                    res = run_once(ctx, "warm", w, d, a.timeout,
                                   after_ready=lambda d=d: {"needed": needed.measure(os.path.join(d, "rootfs"))})
                if "needed" not in res:
                    raise RuntimeError(f"profile run of {w} failed: {res.get('error')}\n{res.get('stderr_tail', '')}")
                write_json(npath, res["needed"])
            needs[w] = read_json(npath)

        results = {"machine": info, "started": started.isoformat(timespec="seconds"), "runs_per_cell": runs,
                   "quick": a.quick, "images": infos, "estargz": estargz, "needed": needs, "links": {}, "skipped": {}, "chunk_size": a.chunk_size,
                   "daemon": use_daemon, "daemon_lifetime": a.daemon_lifetime if use_daemon else None,
                   "modes": {m: MODES[m][1] for m in modes}, "workloads": workloads}
        warm_results = {}
        for link_name, (rate, rtt) in links:
            forwards = {"registry": registry, "sqfs": f"127.0.0.1:{sqfs_port}"}
            if store:  # the trace store is a remote service too: plan fetches cross the link
                forwards["store"] = store["direct"]
            proxy, ports = start_proxy(svc, rate, rtt, forwards, work, link_name)
            ctx = {"registry": registry, "link_registry": f"127.0.0.1:{ports['registry']}",
                   "chunk_size": a.chunk_size, "store": store, "daemon": use_daemon,
                   "link_store": f"127.0.0.1:{ports['store']}" if store else None,
                   "link_sqfs_port": ports["sqfs"], "control_port": ports["control"]}
            log(f"link {link_name}: measuring what the emulation delivers")
            measured = measure_link(ports["sqfs"], sqfs_port, blob_size)
            log(f"link {link_name}: {measured}")
            lres = {"nominal": {"rate_mbit": rate, "rtt_ms": rtt}, "measured": measured, "cells": {}}
            results["links"][link_name] = lres
            active = []
            for w in workloads:
                for m in modes:
                    if not MODES[m][2] and m in warm_results.get(w, {}):
                        lres["cells"].setdefault(w, {})[m] = warm_results[w][m]
                        continue
                    why = check_mode(ctx, m, w, built[w])
                    if why:
                        results["skipped"][m] = why
                        continue
                    try:
                        prepare_mode(ctx, m, w, built[w])
                    except RuntimeError as e:
                        results["skipped"][m] = f"preparation failed for {w}: {str(e).strip().splitlines()[-1]}"
                        log(f"mode {m} on {w}: preparation failed, skipped:\n{str(e)[-3000:]}")
                        continue
                    active.append((w, m))
            if results["skipped"]:
                log("skipped modes: " + "; ".join(f"{m}: {r}" for m, r in results["skipped"].items()))
            shared = None
            if use_daemon and a.daemon_lifetime == "link" and any(m in REPLAYER_MODES for _, m in active):
                daemon_dir = os.path.join(work, f"daemon-{link_name}")
                os.makedirs(daemon_dir, exist_ok=True)
                os.makedirs(os.path.join(WORK_DIR, "logs"), exist_ok=True)
                shared = start_daemon(ctx, daemon_dir, os.path.join(WORK_DIR, "logs", f"daemon-{link_name}.log"))
                ctx["shared_daemon"] = shared
                # the warm-up is a replay start when there is one (a few seconds; lazy Python takes 30)
                w, m = next(((w, m) for w, m in active if m == "lazy-replay"),
                            next((w, m) for w, m in active if m in REPLAYER_MODES))
                log(f"link {link_name}: one untimed warm-up start ({w}, {m}) on the node daemon")
                run_once(ctx, m, w, built[w], a.timeout)
            # Runs interleaved (run i of every cell, then run i+1) so background load spreads evenly.
            link_runs = runs if link_name == links[0][0] else runs_other
            lres["runs"] = link_runs
            for i in range(link_runs):
                for w, m in active:
                    r = run_once(ctx, m, w, built[w], a.timeout)
                    cell = lres["cells"].setdefault(w, {}).setdefault(m, {"runs": []})
                    cell["runs"].append(r)
                    if "error" in r:
                        log(f"  {link_name} {w:6} {m:14} run {i + 1}: FAILED {r['error']}\n{r.get('stderr_tail', '')}")
                    else:
                        log(f"  {link_name} {w:6} {m:14} run {i + 1}: {r['ready_s']:.2f}s "
                            f"{r.get('link', {}).get('bytes_down', 0) / 1e6:.1f} MB "
                            f"{r.get('link', {}).get('requests', 0)} req {r['phases']}")
            for w in workloads:
                for m in modes:
                    if not MODES[m][2] and m in lres["cells"].get(w, {}):
                        warm_results.setdefault(w, {})[m] = lres["cells"][w][m]
            if shared:
                ctx.pop("shared_daemon", None)
                stop_daemon(shared["proc"])
            svc.stop(proxy)
        if a.components if a.components is not None else not a.quick:
            results["components"] = run_components()
        results["notes"] = PREP_NOTES
        results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        results["machine"]["loadavg_end"] = os.getloadavg()[0]
        results["command"] = "bench/run " + " ".join(sys.argv[1:])
        paths = report.write(results, a.out)
        log("results: " + ", ".join(paths))
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        raise SystemExit(130)
    finally:
        svc.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
