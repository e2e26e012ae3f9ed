"""Emulated network link between the node and the registry/HTTP servers: a shaping TCP proxy.

`tc netem` is not available on these machines, so the link is emulated in user space:
  * bandwidth: one token bucket per direction for the WHOLE link (all connections and all
    forwarded ports share it), like a real access link; a small burst allowance (--burst-ms);
  * delay: every byte is held for RTT/2 per direction after it has been serialised on the link;
  * connection set-up: a client's first bytes reach the server no earlier than 1.5 RTT after
    it connected (SYN, SYN-ACK, then data), as with a real TCP handshake.
It also counts bytes per direction, connections and HTTP/1.x requests (parsed from the
client-to-server stream), readable and resettable on a control port:
  GET /stats  -> JSON counters        POST /reset -> JSON counters, then zeroed
Not modelled: TCP slow start and loss (the proxy terminates TCP on both sides).

Usage: linkproxy.py --rate-mbit 100 --rtt-ms 20 --forward NAME=HOST:PORT ... --ports-file FILE
FILE receives {"NAME": listen_port, ..., "control": port} once listening (all on 127.0.0.1).
"""

import argparse
import asyncio
import json
import os
import signal
import sys

CHUNK = 32 * 1024
QUEUE_ITEMS = 128  # per direction per connection: bounds buffered bytes to 4 MiB
METHODS = (b"GET ", b"HEAD ", b"POST ", b"PUT ", b"PATCH ", b"DELETE ", b"OPTIONS ")


class Direction:
    """A token bucket serialising bytes at `rate` bytes/s, shared by every connection."""

    def __init__(self, rate, burst_s):
        self.rate, self.burst_s = rate, burst_s
        self.next_free = 0.0

    def reserve(self, n):
        """Returns the time at which n bytes have left the link (serialisation finished)."""
        now = asyncio.get_running_loop().time()
        start = max(self.next_free, now - self.burst_s)
        self.next_free = start + n / self.rate
        return max(self.next_free, now)


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.bytes_down = 0  # server -> client
        self.bytes_up = 0  # client -> server
        self.connections = 0
        self.requests = 0
        self.non_http_connections = 0
        self.request_lines = []

    def snapshot(self, detail=False):
        d = {k: getattr(self, k) for k in
             ("bytes_down", "bytes_up", "connections", "requests", "non_http_connections")}
        if detail:
            d["request_lines"] = list(self.request_lines)
        return d


class RequestCounter:
    """Counts HTTP/1.x requests in a client->server byte stream (GET/HEAD and sized bodies)."""

    def __init__(self, stats, name):
        self.stats, self.name = stats, name
        self.buf = b""
        self.skip = 0
        self.dead = False
        self.first = True

    def feed(self, data):
        if self.dead:
            return
        if self.first and data:
            self.first = False
            if not data.startswith(METHODS):
                self.dead = True
                self.stats.non_http_connections += 1
                return
        self.buf += data
        while True:
            if self.skip:
                n = min(self.skip, len(self.buf))
                self.buf, self.skip = self.buf[n:], self.skip - n
                if self.skip:
                    return
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536:
                    self.dead = True
                return
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            lines = head.split(b"\r\n")
            self.stats.requests += 1
            if len(self.stats.request_lines) < 20000:
                self.stats.request_lines.append(self.name + " " + lines[0].decode("latin-1"))
            for line in lines[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    self.skip = int(v.strip() or 0)
                elif k.strip().lower() == b"transfer-encoding":
                    self.dead = True  # chunked request bodies: stop counting on this connection
                    return


async def pump(reader, writer, direction, delay, not_before, count, counter):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue(QUEUE_ITEMS)

    async def receive():
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                count(len(data))
                if counter:
                    counter.feed(data)
                await queue.put((max(direction.reserve(len(data)) + delay, not_before), data))
        except (ConnectionError, OSError):
            pass
        await queue.put(None)

    async def transmit():
        try:
            while True:
                item = await queue.get()
                if item is None:
                    if writer.can_write_eof():
                        writer.write_eof()
                    break
                release, data = item
                wait = release - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    rx = asyncio.ensure_future(receive())
    try:
        await transmit()
    finally:
        rx.cancel()
        await asyncio.gather(rx, return_exceptions=True)


class Link:
    def __init__(self, rate_bps, rtt_s, burst_s):
        self.up = Direction(rate_bps / 8, burst_s)
        self.down = Direction(rate_bps / 8, burst_s)
        self.one_way = rtt_s / 2
        self.rtt = rtt_s
        self.stats = Stats()
        self.tasks = set()

    async def handle(self, name, upstream, c_reader, c_writer):
        loop = asyncio.get_running_loop()
        accepted = loop.time()
        self.stats.connections += 1
        try:
            s_reader, s_writer = await asyncio.open_connection(*upstream)
        except OSError:
            c_writer.close()
            return
        stats = self.stats

        def up(n):
            stats.bytes_up += n

        def down(n):
            stats.bytes_down += n

        counter = RequestCounter(stats, name)
        task = asyncio.current_task()
        self.tasks.add(task)  # asyncio keeps only weak references to tasks
        up_task = asyncio.ensure_future(
            pump(c_reader, s_writer, self.up, self.one_way, accepted + 1.5 * self.rtt, up, counter))
        down_task = asyncio.ensure_future(pump(s_reader, c_writer, self.down, self.one_way, 0.0, down, None))
        try:
            # HTTP needs no half-open connections: once one side is done, give the other a
            # grace period to deliver what is in flight, then close both.
            done, pending = await asyncio.wait({up_task, down_task}, return_when=asyncio.FIRST_COMPLETED)
            if pending:
                await asyncio.wait(pending, timeout=30)
        finally:
            for t in (up_task, down_task):
                t.cancel()
            for w in (s_writer, c_writer):
                try:
                    w.close()
                except Exception:
                    pass
            await asyncio.gather(up_task, down_task, return_exceptions=True)
            self.tasks.discard(task)


async def control(link, reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        method, path = head.split(b" ")[:2]
        snap = link.stats.snapshot(detail=b"detail" in path)
        if method == b"POST" and path.startswith(b"/reset"):
            link.stats.reset()
        body = json.dumps(snap).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n%s" % (len(body), body))
        await writer.drain()
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate-mbit", type=float, required=True)
    ap.add_argument("--rtt-ms", type=float, required=True)
    ap.add_argument("--burst-ms", type=float, default=2.0, help="token bucket depth, in ms at the link rate")
    ap.add_argument("--forward", action="append", default=[], help="NAME=HOST:PORT")
    ap.add_argument("--ports-file", required=True)
    a = ap.parse_args()
    link = Link(a.rate_mbit * 1e6, a.rtt_ms / 1000, a.burst_ms / 1000)
    ports = {}
    servers = []
    for f in a.forward:
        name, _, hp = f.partition("=")
        host, _, port = hp.rpartition(":")
        up = (host, int(port))
        srv = await asyncio.start_server(
            lambda r, w, name=name, up=up: link.handle(name, up, r, w), "127.0.0.1", 0)
        ports[name] = srv.sockets[0].getsockname()[1]
        servers.append(srv)
    ctl = await asyncio.start_server(lambda r, w: control(link, r, w), "127.0.0.1", 0)
    ports["control"] = ctl.sockets[0].getsockname()[1]
    tmp = a.ports_file + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(ports, fh)
    os.replace(tmp, a.ports_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
