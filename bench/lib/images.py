"""Builds the benchmark's workload images from Debian packages, reproducibly, with a cache.

Per workload: a shared base layer (debootstrap --variant=minbase), a packages layer (apt-get
install on an overlayfs over the base, the upper directory becomes the layer) and an app layer.
Outputs, keyed by a hash of the recipe, under CACHE_DIR/images/<name>-<key>/:
  oci/       OCI image layout (tag "bench"), gzip layers, deterministic digests
  rootfs/    all layers unpacked (what the warm mode runs)
  sqfs/      each layer as a squashfs image with overlayfs-style whiteouts (squashfs mode)
  info.json  digests and sizes
"""

import gzip
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

from common import (BENCH_DIR, CACHE_DIR, MIRROR, SOURCE_DATE_EPOCH, SUITE, dir_size, hash_tree,
                    log, read_json, run, write_json)

# Cache keys: bump the matching version when the code producing that output changes.
IMAGE_VERSION = "1"  # build_workload(), write_layer(), write_oci_layout()
SQFS_VERSION = "1"  # bump when layer_to_squashfs() changes
PACKAGES_VERSION = "1"  # bump when build_packages_layer() changes
WORKLOADS = ["python", "node", "jvm"]
TAG = "bench"


def recipe(name):
    return read_json(os.path.join(BENCH_DIR, "workloads", name, "recipe.json"))


# ---------------------------------------------------------------- layer tarballs

class _HashingWriter:
    def __init__(self, f):
        self.f, self.h, self.n = f, hashlib.sha256(), 0

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)

    def flush(self):
        self.f.flush()


def write_layer(src, out_blob_dir, overlay_upper=False):
    """Writes directory `src` as a gzip'd tar layer into an OCI blobs dir.

    With overlay_upper, `src` is an overlayfs upper directory: 0/0 character devices become
    `.wh.NAME` whiteouts and opaque directories get a `.wh..wh..opq` entry.
    Returns the layer descriptor plus its diff_id and uncompressed size.
    """
    tmp = tempfile.NamedTemporaryFile(dir=out_blob_dir, delete=False, prefix=".layer-")
    comp = _HashingWriter(tmp)
    gz = gzip.GzipFile(filename="", mode="wb", fileobj=comp, compresslevel=6, mtime=0)
    raw = _HashingWriter(gz)
    inodes = {}
    with tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as tar:

        def add(full, arc):
            st = os.lstat(full)
            if overlay_upper and stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                ti = tarfile.TarInfo(os.path.join(os.path.dirname(arc), ".wh." + os.path.basename(arc)))
                ti.mtime, ti.mode = SOURCE_DATE_EPOCH, 0o644
                tar.addfile(ti)
                return
            ti = tar.gettarinfo(full, arc)
            key = (st.st_dev, st.st_ino)
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                if key in inodes:
                    ti.type, ti.linkname, ti.size = tarfile.LNKTYPE, inodes[key], 0
                else:
                    inodes[key] = arc
            ti.uname = ti.gname = ""
            ti.mtime = min(int(st.st_mtime), SOURCE_DATE_EPOCH)
            if ti.isreg():
                with open(full, "rb") as f:
                    tar.addfile(ti, f)
            else:
                tar.addfile(ti)
            if overlay_upper and stat.S_ISDIR(st.st_mode):
                try:
                    opaque = os.getxattr(full, "trusted.overlay.opaque", follow_symlinks=False)
                except OSError:
                    opaque = b""
                if opaque == b"y":
                    wh = tarfile.TarInfo(arc + "/.wh..wh..opq")
                    wh.mtime, wh.mode = SOURCE_DATE_EPOCH, 0o644
                    tar.addfile(wh)

        def walk(rel):
            full = os.path.join(src, rel) if rel else src
            for n in sorted(os.listdir(full)):
                r = os.path.join(rel, n) if rel else n
                fp = os.path.join(src, r)
                add(fp, r)
                if os.path.isdir(fp) and not os.path.islink(fp):
                    walk(r)

        walk("")
    gz.close()
    tmp.close()
    digest = "sha256:" + comp.h.hexdigest()
    os.replace(tmp.name, os.path.join(out_blob_dir, comp.h.hexdigest()))
    return {
        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
        "digest": digest,
        "size": comp.n,
    }, "sha256:" + raw.h.hexdigest(), raw.n


def cached_layer(src, out_blob_dir, overlay_upper, cache_dir):
    """write_layer, reusing the blob kept in cache_dir (base and packages layers are shared)."""
    if cache_dir is None:
        return write_layer(src, out_blob_dir, overlay_upper)
    meta = os.path.join(cache_dir, "layer.json")
    if not os.path.exists(meta):
        os.makedirs(os.path.join(cache_dir, "blob"), exist_ok=True)
        desc, diff_id, usize = write_layer(src, os.path.join(cache_dir, "blob"), overlay_upper)
        write_json(meta, {"desc": desc, "diff_id": diff_id, "uncompressed": usize})
    m = read_json(meta)
    hexd = m["desc"]["digest"].split(":")[1]
    os.link(os.path.join(cache_dir, "blob", hexd), os.path.join(out_blob_dir, hexd))
    return m["desc"], m["diff_id"], m["uncompressed"]


# ---------------------------------------------------------------- base and packages

BASE_VERSION = "1"  # bump when build_base() changes


def _base_key():
    return hash_tree([], extra=f"{SUITE} minbase {MIRROR} v{BASE_VERSION}")


def build_base():
    """debootstrap --variant=minbase into CACHE_DIR/base-<key>/rootfs (once)."""
    d = os.path.join(CACHE_DIR, f"base-{_base_key()}")
    if os.path.exists(os.path.join(d, "done")):
        return d
    tmp = d + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    log(f"building base: debootstrap --variant=minbase {SUITE} from {MIRROR} (1-3 min)")
    # In a private mount namespace, so the /proc and /sys debootstrap mounts vanish with it.
    run(["unshare", "--mount", "--propagation", "private", "--", "debootstrap", "--variant=minbase",
         SUITE, os.path.join(tmp, "rootfs"), MIRROR], quiet=True)
    root = os.path.join(tmp, "rootfs")
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists", "var/log"):
        p = os.path.join(root, sub)
        for n in os.listdir(p):
            fp = os.path.join(p, n)
            if os.path.isfile(fp) and n != "lock":
                os.unlink(fp)
    for f in ("var/cache/apt/pkgcache.bin", "var/cache/apt/srcpkgcache.bin"):
        if os.path.exists(os.path.join(root, f)):
            os.unlink(os.path.join(root, f))
    open(os.path.join(tmp, "done"), "w").close()
    os.replace(tmp, d)
    return d


def build_packages_layer(base, packages, key):
    """apt-get install PACKAGES over the base on overlayfs; the upper dir is the layer."""
    d = os.path.join(CACHE_DIR, f"pkgs-{key}")
    if os.path.exists(os.path.join(d, "done")):
        return d
    tmp = d + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for sub in ("upper", "work", "merged"):
        os.makedirs(os.path.join(tmp, sub))
    log(f"building packages layer: apt-get install {' '.join(packages)}")
    inner = ("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
             "--no-install-recommends " + " ".join(packages) +
             " >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log"
             " /var/cache/debconf/*-old /var/lib/dpkg/*-old")
    merged = os.path.join(tmp, "merged")
    script = (
        "set -e; mount -t overlay overlay -o "
        f"lowerdir={base}/rootfs,upperdir={tmp}/upper,workdir={tmp}/work,"
        "redirect_dir=off,index=off,metacopy=off,xino=off "
        f"{merged}; "
        f"bwrap --bind {merged} / --dev /dev --proc /proc --perms 1777 --tmpfs /tmp --ro-bind /etc/resolv.conf "
        "/etc/resolv.conf --unshare-pid --die-with-parent --setenv PATH "
        "/usr/sbin:/usr/bin:/sbin:/bin -- /bin/sh -c '" + inner + "'"
    )
    # Private mount namespace: the overlay disappears when the shell exits, even on failure.
    run(["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script], quiet=True)
    shutil.rmtree(os.path.join(tmp, "work"), ignore_errors=True)
    open(os.path.join(tmp, "done"), "w").close()
    os.replace(tmp, d)
    return d


def build_app_dir(name, rec, out):
    src = os.path.join(BENCH_DIR, "workloads", name, "app")
    app = os.path.join(out, "app")
    os.makedirs(app)
    if "javac" in rec:
        classes = tempfile.mkdtemp(prefix="bench-javac-")
        try:
            srcs = []
            for d, _, names in os.walk(os.path.join(BENCH_DIR, "workloads", name, rec["javac"])):
                srcs += [os.path.join(d, n) for n in names if n.endswith(".java")]
            run(["javac", "--release", "17", "-d", classes] + sorted(srcs), quiet=True)
            run(["jar", "--create", "--date", "2024-01-01T00:00:00Z", "--file",
                 os.path.join(app, "app.jar"), "-C", classes, "."], quiet=True)
        finally:
            shutil.rmtree(classes, ignore_errors=True)
    else:
        for n in sorted(os.listdir(src)):
            shutil.copy2(os.path.join(src, n), os.path.join(app, n))
    for d, dirs, names in os.walk(out):
        for n in dirs + names:
            os.chmod(os.path.join(d, n), 0o755 if os.path.isdir(os.path.join(d, n)) else 0o644)


# ---------------------------------------------------------------- OCI layout

def write_oci_layout(oci, layers, diff_ids, rec):
    blobs = os.path.join(oci, "blobs", "sha256")

    def put(obj, media_type):
        data = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
        h = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, h), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": "sha256:" + h, "size": len(data)}

    created = "2024-01-01T00:00:00Z"
    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    env += [f"{k}={v}" for k, v in sorted(rec.get("env", {}).items())]
    config = {
        "created": created, "architecture": "amd64", "os": "linux",
        "config": {"Env": env, "Cmd": rec["cmd"], "WorkingDir": rec.get("workdir", "/")},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": created, "created_by": c} for c in
                    ("debootstrap --variant=minbase " + SUITE, "apt-get install " + " ".join(rec["packages"]),
                     "COPY app /app")],
    }
    cfg = put(config, "application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": cfg, "layers": layers}
    man = put(manifest, "application/vnd.oci.image.manifest.v1+json")
    man["annotations"] = {"org.opencontainers.image.ref.name": TAG}
    with open(os.path.join(oci, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(oci, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [man]}, f, sort_keys=True)
    return man["digest"]


# ---------------------------------------------------------------- squashfs per layer

def layer_to_squashfs(blob, out):
    """Extracts one OCI layer and packs it as squashfs with overlayfs-format whiteouts."""
    tmp = tempfile.mkdtemp(prefix="bench-sqfs-", dir=os.path.dirname(out))
    try:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        run(["tar", "-xzf", blob, "-C", root, "--numeric-owner", "--same-permissions"], quiet=True)
        for d, dirs, names in os.walk(root):
            for n in names:
                if n == ".wh..wh..opq":
                    os.unlink(os.path.join(d, n))
                    os.setxattr(d, "trusted.overlay.opaque", b"y")
                elif n.startswith(".wh."):
                    os.unlink(os.path.join(d, n))
                    os.mknod(os.path.join(d, n[4:]), stat.S_IFCHR | 0o000, os.makedev(0, 0))
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH))
        run(["mksquashfs", root, out + ".tmp", "-noappend", "-comp", "gzip", "-quiet", "-no-progress",
             "-processors", "2"], quiet=True, env=env)
        os.replace(out + ".tmp", out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- a workload image

def workload_key(name):
    rec_dir = os.path.join(BENCH_DIR, "workloads", name)
    return hash_tree([rec_dir], extra=f"{_base_key()} {PACKAGES_VERSION} {SQFS_VERSION} {IMAGE_VERSION}")


def build_workload(name):
    d = os.path.join(CACHE_DIR, "images", f"{name}-{workload_key(name)}")
    if os.path.exists(os.path.join(d, "info.json")):
        return d
    rec = recipe(name)
    base = build_base()
    pkgs = build_packages_layer(base, rec["packages"],
                                hash_tree([], extra=f"{_base_key()} {PACKAGES_VERSION} " + " ".join(rec["packages"])))
    tmp = d + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    blobs = os.path.join(tmp, "oci", "blobs", "sha256")
    os.makedirs(blobs)
    log(f"packing image {name}: 3 layers (base, packages, app)")
    app_dir = os.path.join(tmp, "appsrc")
    build_app_dir(name, rec, app_dir)
    layers, diff_ids, usizes = [], [], []
    for src, upper, cache in ((os.path.join(base, "rootfs"), False, base),
                              (os.path.join(pkgs, "upper"), True, pkgs), (app_dir, False, None)):
        desc, diff_id, usize = cached_layer(src, blobs, upper, cache)
        layers.append(desc)
        diff_ids.append(diff_id)
        usizes.append(usize)
    shutil.rmtree(app_dir)
    manifest_digest = write_oci_layout(os.path.join(tmp, "oci"), layers, diff_ids, rec)
    log(f"unpacking {name} rootfs (warm mode) and converting layers to squashfs")
    blob_paths = [os.path.join(blobs, l["digest"].split(":")[1]) for l in layers]
    run(["bash", os.path.join(BENCH_DIR, "lib", "unpack.sh"), os.path.join(tmp, "rootfs")] + blob_paths)
    os.makedirs(os.path.join(tmp, "sqfs"))
    sq = []
    sq_cache = os.path.join(CACHE_DIR, "sqfs")
    os.makedirs(sq_cache, exist_ok=True)
    for i, b in enumerate(blob_paths):
        out = os.path.join(tmp, "sqfs", f"layer{i}.sqfs")
        cached = os.path.join(sq_cache, os.path.basename(b) + f"-v{SQFS_VERSION}.sqfs")
        if not os.path.exists(cached):
            layer_to_squashfs(b, cached)
        os.link(cached, out)
        sq.append(os.path.getsize(out))
    info = {
        "name": name, "key": os.path.basename(d), "manifest": manifest_digest, "tag": TAG,
        "layers": [{"digest": l["digest"], "compressed": l["size"], "uncompressed": u, "squashfs": s}
                   for l, u, s in zip(layers, usizes, sq)],
        "compressed": sum(l["size"] for l in layers),
        "uncompressed": sum(usizes),
        "squashfs": sum(sq),
        "rootfs_bytes": dir_size(os.path.join(tmp, "rootfs")),
        "recipe": rec,
    }
    write_json(os.path.join(tmp, "info.json"), info)
    shutil.rmtree(d, ignore_errors=True)
    os.replace(tmp, d)
    # Older builds of this workload (other recipe keys) are not needed any more.
    images_dir = os.path.dirname(d)
    for other in os.listdir(images_dir):
        if other.startswith(name + "-") and other != os.path.basename(d) and other[len(name) + 1:].isalnum():
            shutil.rmtree(os.path.join(images_dir, other), ignore_errors=True)
    return d


def build_all(names):
    os.makedirs(os.path.join(CACHE_DIR, "images"), exist_ok=True)
    return {n: build_workload(n) for n in names}


if __name__ == "__main__":
    for n, d in build_all(sys.argv[1:] or WORKLOADS).items():
        i = read_json(os.path.join(d, "info.json"))
        print(f"{n}: {d} compressed={i['compressed']} uncompressed={i['uncompressed']}")
