"""Static HTTP/1.1 file server with Range support and keep-alive (python3 -m http.server has no
Range support, which httpfs2 needs). Serves one directory read-only on 127.0.0.1.

Usage: rangeserver.py DIR PORTS_FILE     (writes the chosen port to PORTS_FILE)
"""

import http.server
import os
import re
import socketserver
import sys

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    root = "."

    def log_message(self, *args):
        pass

    def _resolve(self):
        rel = self.path.split("?", 1)[0].lstrip("/")
        parts = rel.split("/")
        if not rel or any(not c or c.startswith(".") for c in parts):
            return None
        p = os.path.join(self.root, rel)
        return p if os.path.isfile(p) else None

    def _serve(self, body):
        p = self._resolve()
        if p is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        size = os.path.getsize(p)
        start, end = 0, size - 1
        rng = self.headers.get("Range")
        status = 200
        if rng:
            m = RANGE.match(rng.strip())
            if not m or (not m.group(1) and not m.group(2)):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if m.group(1):
                start = int(m.group(1))
                end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            else:
                start, end = max(0, size - int(m.group(2))), size - 1
            if start > end or start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        self.send_response(status)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(p))))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if body:
            with open(p, "rb") as f:
                f.seek(start)
                left = end - start + 1
                while left:
                    b = f.read(min(left, 1 << 16))
                    if not b:
                        break
                    self.wfile.write(b)
                    left -= len(b)

    def do_GET(self):
        self._serve(True)

    def do_HEAD(self):
        self._serve(False)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    Handler.root = sys.argv[1]
    srv = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
    srv.serve_forever()


if __name__ == "__main__":
    main()
