"""Writes the benchmark results: Markdown table, JSON and a PNG chart under bench/results/."""

import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

MB = 1e6
COLORS = {"warm": "#4c956c", "full-pull": "#d1495b", "squashfs-http": "#edae49", "lazy": "#00798c",
          "lazy-landmark": "#30638e", "lazy-replay": "#003d5b", "prefetch-all": "#8d6a9f"}


def _modes(results):
    """Mode names in registry order (labels start with the mode number; JSON loses dict order)."""
    return sorted(results["modes"], key=lambda m: results["modes"][m])


def _ok(cell):
    return [r for r in cell.get("runs", []) if "ready_s" in r]


def summarize(cell):
    ok = _ok(cell)
    if not ok:
        return None
    t = [r["ready_s"] for r in ok]
    down = [r.get("link", {}).get("bytes_down", 0) for r in ok]
    req = [r.get("link", {}).get("requests", 0) for r in ok]
    conns = [r.get("link", {}).get("connections", 0) for r in ok]
    phases = {}
    for r in ok:
        for k, v in r.get("phases", {}).items():
            phases.setdefault(k, []).append(v)
    hits = [r["hit_ratio"] for r in ok if r.get("hit_ratio") is not None]
    st = [r["stats"] for r in ok if isinstance(r.get("stats"), dict)]
    sources = sorted({x.get("source") or "none" for x in st})
    return {
        "median": statistics.median(t), "min": min(t), "max": max(t), "n": len(ok),
        "failed": len(cell.get("runs", [])) - len(ok),
        "bytes_down": statistics.median(down), "requests": statistics.median(req),
        "connections": statistics.median(conns),
        "phases": {k: statistics.median(v) for k, v in phases.items()},
        "hit_ratio": statistics.median(hits) if hits else None,
        "prefetched_bytes": statistics.median([x.get("prefetchedBytes", 0) for x in st]) if st else None,
        "precision": statistics.median([x.get("precision", 0) for x in st]) if st else None,
        "plan_source": ", ".join(s.split(":")[0] for s in sources) if st else None,
    }


def floor_s(results, link, wl, warm_median):
    """max(warm, compressed bytes the start needs / measured bandwidth) + one RTT."""
    need = results["needed"].get(wl, {}).get("compressed_bytes_needed")
    m = link["measured"]
    if need is None or warm_median is None:
        return None
    bw = m["throughput_mbit_4streams_total"] * 1e6 / 8
    return max(warm_median, need / bw) + m["request_rtt_ms_keepalive"] / 1000


def _fmt_s(v):
    return "–" if v is None else f"{v:.2f}"


def markdown(results, png_name):
    L = []
    mi = results["machine"]
    L.append("# tracefetch cold-start benchmark: results")
    L.append("")
    L.append(f"Measured {results['started']} – {results.get('finished', '?')} with `{results.get('command', 'bench/run')}`, "
             f"{', '.join(str(l.get('runs', results['runs_per_cell'])) + ' runs per cell on ' + n for n, l in results['links'].items())}; each run from a cold node (fresh scratch dir, "
             "`echo 3 > /proc/sys/vm/drop_caches`) to ready.")
    L.append("")
    L.append(f"**Machine:** {mi['cpu']}, {mi['cores']} cores, {mi['memory_gib']} GiB, kernel {mi['kernel']}, "
             f"{mi['os']}; load average {mi['loadavg_start']:.1f} at start, {mi.get('loadavg_end', 0):.1f} at end "
             "(the machine is shared: other builds add noise).")
    L.append("")
    L.append(f"![time to ready per mode and workload]({png_name})")
    L.append("")
    L.append("## Workload images")
    L.append("")
    L.append("| workload | layers | compressed (gzip) | uncompressed | squashfs | eStargz | files read at start | bytes read at start | compressed bytes the start needs | eStargz fetch, 4 MiB chunks (est.) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for wl in results["workloads"]:
        i = results["images"][wl]
        n = results["needed"].get(wl, {})
        L.append(f"| {wl} | {len(i['layers'])} | {i['compressed'] / MB:.1f} MB | {i['uncompressed'] / MB:.1f} MB | "
                 f"{i['squashfs'] / MB:.1f} MB | {_estargz(results, wl)} | {n.get('files_read', '–')} | {n.get('resident_bytes', 0) / MB:.1f} MB | "
                 f"{n.get('compressed_bytes_needed', 0) / MB:.1f} MB | {n.get('estargz_bytes_estimate', 0) / MB:.1f} MB |")
    L.append("")
    L.append("Layers: debootstrap minbase (shared base), `apt-get install` of the runtime packages, the app "
             "(sizes are of the whole image, all layers). \"Bytes read at start\": page-cache pages resident after one "
             "cold warm-mode start with the disk's readahead turned off (mincore), i.e. the 4 KiB pages the start "
             "really reads. \"Compressed bytes the start needs\": those pages at each file's gzip ratio — the numerator "
             "of the floor. \"eStargz fetch\": what a lazy eStargz fetch moves at least for those files (whole gzip "
             "member per file up to 4 MiB, 4 MiB chunks of larger files); TOCs excluded; the lazy modes' measured bytes are in the tables below.")
    L.append("")
    for wl in results["workloads"]:
        i = results["images"][wl]
        L.append(f"- **{wl}**: {i['recipe']['description']}. Ready: {_ready(i['recipe']['ready'])}. "
                 f"Packages: {', '.join(i['recipe']['packages'])}.")
    L.append("")
    for lname, link in results["links"].items():
        nom, m = link["nominal"], link["measured"]
        L.append(f"## Link {lname}: {nom['rate_mbit']:g} Mbit/s, {nom['rtt_ms']:g} ms RTT (nominal)")
        L.append("")
        L.append(f"Measured through the emulation: {m['throughput_mbit_1stream']} Mbit/s (1 stream), "
                 f"{m['throughput_mbit_4streams_total']} Mbit/s (4 streams together: the cap is per link), "
                 f"request round trip {m['request_rtt_ms_keepalive']} ms on a kept-alive connection, "
                 f"{m['request_rtt_ms_new_connection']} ms with a new connection (handshake), "
                 f"{m['request_ms_without_link']} ms without the link.")
        L.append("")
        L.append("| workload | mode | time to ready, median | min – max | runs | × warm | × floor | MB through link | requests | connections | hit ratio | prefetched MB (plan source) | phases (median s from start) |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for wl in results["workloads"]:
            cells = link["cells"].get(wl, {})
            warm = summarize(cells["warm"]) if "warm" in cells else None
            wm = warm["median"] if warm else None
            fl = floor_s(results, link, wl, wm)
            for mode in _modes(results):
                label = results["modes"][mode]
                if mode not in cells:
                    continue
                s = summarize(cells[mode])
                if s is None:
                    L.append(f"| {wl} | {label} | FAILED | | 0 | | | | | | | | |")
                    continue
                ph = ", ".join(f"{k} {v:.2f}" for k, v in sorted(s["phases"].items(), key=lambda kv: kv[1]))
                ratio = f"{s['median'] / wm:.1f}" if wm else "–"
                fratio = f"{s['median'] / fl:.1f}" if fl else "–"
                dl = f"{s['bytes_down'] / MB:.1f}" if mode != "warm" else "0 (local)"
                hr = "n/a" if s["hit_ratio"] is None else f"{s['hit_ratio'] * 100:.0f}%"
                fail = f" ({s['failed']} failed)" if s["failed"] else ""
                pf = "–" if s["prefetched_bytes"] is None else (
                    f"{s['prefetched_bytes'] / MB:.1f}" + (f" ({s['plan_source']})" if mode == "lazy-replay" else ""))
                L.append(f"| {wl} | {label} | **{s['median']:.2f} s** | {s['min']:.2f} – {s['max']:.2f} | {s['n']}{fail} | "
                         f"{ratio} | {fratio} | {dl} | {s['requests']:.0f} | {s['connections']:.0f} | {hr} | {pf} | {ph} |")
            need = results["needed"].get(wl, {}).get("compressed_bytes_needed")
            L.append(f"| {wl} | **floor** = max(warm, needed ÷ bandwidth) + RTT | {_fmt_s(fl)} s | | | | 1.0 | "
                     f"{(need or 0) / MB:.1f} (est.) | | | | | |")
        L.append("")
        L.append(_ratios(results, link))
        L.append("")
    L.append(targets(results))
    L.append("")
    if results.get("notes"):
        L.append("## Notes from preparation")
        L.append("")
        for n in results["notes"]:
            L.append(f"- {n}")
        L.append("")
    if results.get("components"):
        L.append("## Component benchmarks")
        L.append("")
        L.append("| component | metric | value | note |")
        L.append("|---|---|---|---|")
        for name, c in results["components"].items():
            if "skipped" in c:
                L.append(f"| {name} | – | skipped | {c['skipped']} |")
            for m in c.get("metrics", []):
                v = "–" if m["unit"] == "none" else f"{m['value']} {m['unit']}"
                L.append(f"| {name} | {m['metric']} | {v} | {m.get('note', '')} |")
        L.append("")
    if results["skipped"]:
        L.append("## Modes not measured yet")
        L.append("")
        for m, why in results["skipped"].items():
            L.append(f"- `{m}` ({results['modes'][m]}): skipped — {why}")
        L.append("")
    L.append("## How the modes run")
    L.append("")
    L.append("- **warm**: the rootfs is already unpacked on local disk; bubblewrap sandbox on it (read-only root, "
             "tmpfs /tmp). Page cache dropped, so this still includes reading the files from disk.")
    L.append("- **full pull**: `skopeo copy docker://… dir:…` through the link (parallel blob downloads), "
             "unpack each layer with GNU tar (+ OCI whiteouts), then the same sandbox. Phases `pulled`/`unpacked`.")
    L.append("- **squashfs over HTTP**: each layer converted to squashfs (gzip, 128 KiB blocks) and served by a "
             "Range-capable HTTP server through the link; `httpfs2` per layer, `squashfuse` on it, read-only "
             "overlayfs over the layers, then the sandbox. Phase `mounted`.")
    L.append("- **lazy (4)**: `replayer mount IMAGE MNT --prefetch none` of the eStargz image (`trace-layer-builder "
             "convert --chunk-size " + results.get("chunk_size", "512K") +
             "`) through the link, fresh chunk cache per run; every first read of a chunk is a range request. "
             "Phase `mounted` = the FUSE mount is up.")
    L.append("- **landmark (5)**: the eStargz image `trace-layer-builder optimize`d with three recorded starts "
             "(started files first in each layer, then `.prefetch.landmark`), mounted with `--prefetch landmark`.")
    L.append("- **replay (6)**: three starts recorded untimed with `record-trace --upload` into a `bin/trace-store` "
             "(embedded PostgreSQL, reached through the same link); the timed mount uses `--prefetch plan "
             "--plan-source store --store URL --app NAME`, so the replayer asks the store for the merged plan and "
             "prefetches it while the app starts. \"plan source\" says where the plan came from in the runs "
             "(store, or file if preparation fell back to `build-replay`).")
    L.append("- **prefetch-all (7)**: `replayer prefetch-all IMAGE --cache DIR` (parallel range requests of every chunk), "
             "phase `prefetched`, then `replayer mount --prefetch none` from that cache.")
    if results.get("daemon"):
        if results.get("daemon_lifetime") == "link":
            start = ("one `replayer daemon` runs per link (started untimed, as containerd-stargz-grpc runs on a node, "
                     "and given one untimed warm-up start); before each run its cache is emptied with `replayer "
                     "clear-cache` (disk and memory) and the page cache dropped, so every run is a node that has "
                     "never seen the image")
        else:
            start = ("before each run (untimed, page cache dropped after it) a fresh `replayer daemon --cache "
                     "EMPTY_DIR` starts, so every run is the first start after the daemon booted (its read path "
                     "not yet compiled by the JIT)")
        L.append("- Modes 4–7 mount through the node daemon: " + start + "; the timed "
                 "`bin/replayer mount --daemon-socket S IMAGE MNT ...` returns once the daemon has the mount up; "
                 "the launcher hands it to the daemon's CLI socket with curl (the daemon parses and runs it in "
                 "its own JVM), so no client JVM starts inside the timing. "
                 "prefetch-all then mounts with `--prefetch all` and starts the app when the daemon reports the "
                 "prefetch done (metrics polled with curl).")
    else:
        L.append("- Modes 4–7 run a foreground `replayer mount` per run: its JVM start (3–4 s here) is inside the timing.")
    L.append("- Hit ratio, prefetched bytes, precision: `replayer stats MNT --json` right after ready "
             "(hit ratio = demand chunk reads served from the cache / all demand chunk reads).")
    L.append("- Bytes/requests/connections are counted by the link emulator at the moment the workload is ready.")
    L.append("- full pull talks to a plain-HTTP registry with `--src-tls-verify=false`: skopeo first tries HTTPS "
             "(one extra connection that fails fast), as it does against any insecure registry.")
    return "\n".join(L) + "\n"


def _estargz(results, wl):
    e = results.get("estargz", {}).get(wl)
    return f"{e['compressed'] / MB:.1f} MB" if e else "–"


def _ready(r):
    return {"http": f"HTTP 200 on GET {r.get('path', '/')}", "port": "the port accepts a connection",
            "log": f"a log line matching `{r.get('pattern')}`"}[r["kind"]]


def _ratios(results, link):
    wls = results["workloads"]
    rows = ["| workload | replay / warm | replay / full pull | replay / squashfs | replay / lazy | replay / landmark |",
            "|---|---|---|---|---|---|"]
    for wl in wls:
        cells = link["cells"].get(wl, {})
        rep = summarize(cells["lazy-replay"]) if "lazy-replay" in cells else None
        vals = []
        for other in ("warm", "full-pull", "squashfs-http", "lazy", "lazy-landmark"):
            o = summarize(cells[other]) if other in cells else None
            vals.append(f"{rep['median'] / o['median']:.2f}" if rep and o else "–")
        rows.append(f"| {wl} | " + " | ".join(vals) + " |")
    return "Ratios of tracefetch replay (mode 6) to the alternatives (median over median; < 1 = replay faster):\n\n" + "\n".join(rows)


def _med(link, wl, mode):
    c = link["cells"].get(wl, {}).get(mode)
    s = summarize(c) if c else None
    return s


def targets(results):
    """Issue 8's targets, each marked met or missed from these results."""
    L = ["## Targets (issue 8)", "", "| target | workload | link | measured | met? |", "|---|---|---|---|---|"]
    links = list(results["links"].items())

    def row(t, wl, ln, val, ok):
        L.append(f"| {t} | {wl} | {ln} | {val} | {'met' if ok else '**missed**'} |")

    for ln, link in links:
        nom = link["nominal"]
        slow = nom["rate_mbit"] <= 100
        for wl in results["workloads"]:
            rep, warm = _med(link, wl, "lazy-replay"), _med(link, wl, "warm")
            if not rep or not warm:
                continue
            if slow:
                fl = floor_s(results, link, wl, warm["median"])
                if fl:
                    r = rep["median"] / fl
                    row("replay ≤ 1.3× floor", wl, ln, f"{rep['median']:.2f} s = {r:.2f}× floor ({fl:.2f} s)", r <= 1.3)
            else:
                r = rep["median"] / warm["median"]
                row("replay ≤ 1.3× warm", wl, ln, f"{rep['median']:.2f} s = {r:.2f}× warm ({warm['median']:.2f} s)", r <= 1.3)
            need = results["needed"].get(wl, {}).get("compressed_bytes_needed")
            if need:
                r = rep["bytes_down"] / need
                row("replay bytes ≤ 1.2× needed", wl, ln, f"{rep['bytes_down'] / MB:.1f} MB = {r:.2f}× {need / MB:.1f} MB", r <= 1.2)
        if slow and "python" in results["workloads"]:
            rep = _med(link, "python", "lazy-replay")
            for other, k in (("full-pull", 5), ("squashfs-http", 4), ("lazy", 3)):
                o = _med(link, "python", other)
                if rep and o:
                    f = o["median"] / rep["median"]
                    row(f"replay ≥ {k}× faster than {other}", "python", ln,
                        f"{o['median']:.2f} s / {rep['median']:.2f} s = {f:.1f}×", f >= k)
    return "\n".join(L)


def chart(results, path):
    links = list(results["links"].items())
    wls = results["workloads"]
    fig, axes = plt.subplots(1, len(links), figsize=(6.5 * len(links), 6.2), squeeze=False)
    for ax, (lname, link) in zip(axes[0], links):
        modes = [m for m in _modes(results) if any(m in link["cells"].get(w, {}) and summarize(link["cells"][w][m])
                                                    for w in wls)]
        width = 0.8 / max(1, len(modes))
        for j, m in enumerate(modes):
            xs, ys, lo, hi = [], [], [], []
            for i, w in enumerate(wls):
                c = link["cells"].get(w, {}).get(m)
                s = summarize(c) if c else None
                if not s:
                    continue
                xs.append(i - 0.4 + width * (j + 0.5))
                ys.append(s["median"])
                lo.append(s["median"] - s["min"])
                hi.append(s["max"] - s["median"])
            ax.bar(xs, ys, width * 0.92, yerr=[lo, hi], capsize=3, label=results["modes"][m],
                   color=COLORS.get(m, None), edgecolor="black", linewidth=0.4)
            for x, y, h in zip(xs, ys, hi):
                ax.text(x, (y + h) * 1.06, f"{y:.1f}" if y >= 1 else f"{y:.2f}", ha="center", va="bottom", fontsize=7)
        for i, w in enumerate(wls):
            c = link["cells"].get(w, {}).get("warm")
            s = summarize(c) if c else None
            fl = floor_s(results, link, w, s["median"] if s else None)
            if fl:
                ax.hlines(fl, i - 0.45, i + 0.45, colors="black", linestyles="dashed", linewidth=1,
                          label="floor" if i == 0 else None)
        nom, meas = link["nominal"], link["measured"]
        ax.set_title(f"{nom['rate_mbit']:g} Mbit/s, {nom['rtt_ms']:g} ms RTT "
                     f"(measured {meas['throughput_mbit_4streams_total']:.0f} Mbit/s, {meas['request_rtt_ms_keepalive']:.0f} ms)",
                     fontsize=10)
        ax.set_yscale("log")
        tops = [summarize(link["cells"][w][m])["max"] for w in wls for m in modes
                if m in link["cells"].get(w, {}) and summarize(link["cells"][w][m])]
        if tops:
            ax.set_ylim(0.1, max(tops) * 3)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xticks(range(len(wls)))
        ax.set_xticklabels(wls)
        ax.set_ylabel("time to ready, s (log; bar = median, whisker = min–max)")
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
    fig.suptitle(f"tracefetch cold start: time to ready (median of {'/'.join(str(l.get('runs', '?')) for l in results['links'].values())} runs; "
                 f"{results['machine']['cores']} cores, {results['started'][:10]})", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def summary(results):
    """Compact tables (one row per workload, one column per mode) for the READMEs."""
    L = []
    modes = _modes(results)
    short = {"warm": "warm", "full-pull": "full pull", "squashfs-http": "squashfs/HTTP", "lazy": "lazy",
             "lazy-landmark": "landmark", "lazy-replay": "replay", "prefetch-all": "prefetch-all"}
    for lname, link in results["links"].items():
        nom, m = link["nominal"], link["measured"]
        L.append(f"**{nom['rate_mbit']:g} Mbit/s, {nom['rtt_ms']:g} ms RTT** (measured "
                 f"{m['throughput_mbit_4streams_total']:.0f} Mbit/s, {m['request_rtt_ms_keepalive']:.0f} ms), "
                 f"median time to ready in s (× floor), {link.get('runs', '?')} runs:")
        L.append("")
        L.append("| workload | floor | " + " | ".join(short.get(x, x) for x in modes) + " |")
        L.append("|---|---|" + "---|" * len(modes))
        for wl in results["workloads"]:
            cells = link["cells"].get(wl, {})
            warm = summarize(cells["warm"]) if "warm" in cells else None
            fl = floor_s(results, link, wl, warm["median"] if warm else None)
            row = [wl, _fmt_s(fl)]
            for x in modes:
                sm = summarize(cells[x]) if x in cells else None
                if sm is None:
                    row.append("skipped" if x in results["skipped"] else "–")
                else:
                    row.append(f"{sm['median']:.2f}" + (f" ({sm['median'] / fl:.1f}×)" if fl else ""))
            L.append("| " + " | ".join(row) + " |")
        L.append("")
    return "\n".join(L)


def images_summary(results):
    L = []
    for wl in results["workloads"]:
        i, n = results["images"][wl], results["needed"].get(wl, {})
        r = i["recipe"]
        L.append(f"| {wl} | `{' '.join(r['cmd'])}` ({', '.join(r['packages'])}) | {_ready(r['ready'])} | "
                 f"{i['compressed'] / MB:.1f} / {i['uncompressed'] / MB:.1f} MB | "
                 f"{n.get('files_read', '?')} files, {n.get('resident_bytes', 0) / MB:.1f} / "
                 f"{n.get('compressed_bytes_needed', 0) / MB:.1f} MB |")
    return "\n".join(L)


def write(results, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    hist = os.path.join(out_dir, "tmp")
    os.makedirs(hist, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")[:15]
    png = os.path.join(out_dir, "latest.png")
    chart(results, png)
    md = os.path.join(out_dir, "latest.md")
    with open(md, "w") as f:
        f.write(markdown(results, "latest.png"))
    with open(os.path.join(out_dir, "latest-summary.md"), "w") as f:
        f.write(summary(results) + "\n\n" + images_summary(results) + "\n")
    js = os.path.join(out_dir, "latest.json")
    slim = json.loads(json.dumps(results))
    for link in slim["links"].values():  # keep the committed JSON small
        for cells in link["cells"].values():
            for cell in cells.values():
                for r in cell.get("runs", []):
                    r.pop("stderr_tail", None)
                    r.pop("stdout_tail", None)
    with open(js, "w") as f:
        json.dump(slim, f, indent=1, sort_keys=True)
    with open(os.path.join(hist, f"results-{stamp}.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    return [md, png, js]


if __name__ == "__main__":
    # Re-renders the Markdown, chart and summary from a results JSON: report.py RESULTS.json [OUT_DIR]
    import sys

    with open(sys.argv[1]) as f:
        res = json.load(f)
    print("\n".join(write(res, sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(sys.argv[1])))))
