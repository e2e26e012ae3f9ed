"""Applies the OCI whiteouts of one just-extracted layer to a root filesystem.

Usage: whiteouts.py ROOTFS MEMBER_LIST
MEMBER_LIST holds the names of that layer's members, one a line (GNU tar -v output). `.wh.NAME`
deletes NAME from lower layers; `.wh..wh..opq` in DIR deletes everything in DIR that this layer
did not itself add. The whiteout files themselves are removed.
"""

import os
import shutil
import sys


def norm(name):
    name = name.strip()
    while name.startswith("./"):
        name = name[2:]
    return name.rstrip("/")


def remove(path):
    if os.path.islink(path) or not os.path.isdir(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    else:
        shutil.rmtree(path)


def main(root, list_path):
    with open(list_path, encoding="utf-8", errors="surrogateescape") as f:
        members = [norm(l) for l in f if l.strip()]
    in_layer = set()
    for m in members:  # a member also implies its parent directories
        parts = m.split("/")
        for i in range(1, len(parts) + 1):
            in_layer.add("/".join(parts[:i]))
    for m in members:
        parent, base = os.path.split(m)
        if base == ".wh..wh..opq":
            d = os.path.join(root, parent)
            for entry in os.listdir(d):
                rel = os.path.join(parent, entry) if parent else entry
                if rel not in in_layer:
                    remove(os.path.join(d, entry))
            remove(os.path.join(d, base))
        elif base.startswith(".wh."):
            if ".." in m.split("/"):
                raise SystemExit(f"whiteouts.py: refusing whiteout escaping the root: {m}")
            remove(os.path.join(root, parent, base[len(".wh."):]))
            remove(os.path.join(root, m))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
