"""Estimates the bytes a start really needs, from the page cache after a cold warm-mode start.

After `drop_caches` and one start to ready from the unpacked rootfs, the pages resident in the
page cache are what the start read (plus kernel readahead). mincore(2) gives them per file.
From that: the uncompressed bytes read, and an estimate of the compressed bytes a lazy eStargz
mount must fetch: files up to 4 MiB are one gzip member each (fetched whole), larger files are
fetched in 4 MiB chunks; each is compressed here with gzip level 6 to size it. TOCs excluded.
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


def measure(rootfs):
    files = 0
    resident = 0
    whole = 0
    estargz = 0
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
                else:
                    c = 0
                    for ch in sorted({pg * PAGE // CHUNK for pg in pages}):
                        f.seek(ch * CHUNK)
                        c += gz_size(f.read(CHUNK))
            estargz += c
            top.append((c, os.path.relpath(p, rootfs), r, st.st_size))
    top.sort(reverse=True)
    return {
        "files_read": files,
        "resident_bytes": resident,
        "whole_file_bytes": whole,
        "estargz_bytes_estimate": estargz,
        "largest": [{"path": "/" + t[1], "estargz": t[0], "resident": t[2], "size": t[3]} for t in top[:8]],
    }


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(measure(sys.argv[1]), indent=2))
