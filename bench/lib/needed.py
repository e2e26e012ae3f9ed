"""Estimates the bytes a start really needs, from the page cache after a cold warm-mode start.

After `drop_caches` and one start to ready from the unpacked rootfs with the disk's readahead
turned off, the pages resident in the page cache are exactly what the start read. mincore(2)
gives them per file. From that:
  resident_bytes           uncompressed bytes the start reads (4 KiB pages);
  compressed_bytes_needed  the same pages at each file's gzip ratio: the compressed bytes the
                           start needs (the floor's numerator);
  estargz_bytes_estimate   what an eStargz lazy fetch must move at least: files up to 4 MiB are
                           one gzip member each (fetched whole), larger files in 4 MiB chunks.
TOCs excluded.
"""

import ctypes
import mmap
import os
import zlib

CHUNK = 4 << 20
PAGE = mmap.PAGESIZE
_libc = ctypes.CDLL("libc.so.6", use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte)]


def resident_pages(path, size):
    """Returns the indexes of the file's pages that are in the page cache."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NOATIME)
    try:
        addr = _libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if addr in (None, ctypes.c_void_p(-1).value):
            return []
        try:
            n = (size + PAGE - 1) // PAGE
            vec = (ctypes.c_ubyte * n)()
            if _libc.mincore(addr, size, vec) != 0:
                return []
            return [i for i in range(n) if vec[i] & 1]
        finally:
            _libc.munmap(addr, size)
    finally:
        os.close(fd)


def gz_size(data):
    return len(zlib.compress(data, 6)) + 18  # + gzip member header/trailer


def readahead_path(path):
    """sysfs read_ahead_kb of the block device holding path (None if not a plain block device)."""
    dev = os.stat(path).st_dev
    base = f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}"
    for p in (base + "/queue/read_ahead_kb", base + "/../queue/read_ahead_kb"):
        if os.path.exists(p):
            return os.path.realpath(p)
    return None


def measure(rootfs):
    files = 0
    resident = 0
    whole = 0
    estargz = 0
    ideal = 0
    top = []
    for d, dirs, names in os.walk(rootfs):
        for n in names:
            p = os.path.join(d, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if not (st.st_mode & 0o170000 == 0o100000) or st.st_size == 0:
                continue
            try:
                pages = resident_pages(p, st.st_size)
            except OSError:
                continue
            if not pages:
                continue
            files += 1
            r = min(len(pages) * PAGE, st.st_size)
            resident += r
            whole += st.st_size
            with open(p, "rb") as f:
                if st.st_size <= CHUNK:
                    c = gz_size(f.read())
                    ratio = c / st.st_size
                else:
                    c = 0
                    for ch in sorted({pg * PAGE // CHUNK for pg in pages}):
                        f.seek(ch * CHUNK)
                        c += gz_size(f.read(CHUNK))
                    f.seek(0)
                    z = zlib.compressobj(6)
                    zn = 0
                    while True:
                        b = f.read(CHUNK)
                        if not b:
                            break
                        zn += len(z.compress(b))
                    ratio = (zn + len(z.flush())) / st.st_size
            estargz += c
            ideal += int(r * ratio)
            top.append((c, os.path.relpath(p, rootfs), r, st.st_size))
    top.sort(reverse=True)
    return {
        "files_read": files,
        "resident_bytes": resident,
        "whole_file_bytes": whole,
        "estargz_bytes_estimate": estargz,
        "compressed_bytes_needed": ideal,
        "largest": [{"path": "/" + t[1], "estargz": t[0], "resident": t[2], "size": t[3]} for t in top[:8]],
    }


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(measure(sys.argv[1]), indent=2))
