#!/usr/bin/env python3
"""A stand-in for an Icecast mount, for the relay tests: serves FILE (an MP3) to every GET, looped, at BYTES_PER_S
after a first burst of one second's worth, until killed. Usage: mp3server.py PORT FILE BYTES_PER_S [STALL_AFTER]
(PORT 0: any free port; STALL_AFTER: after that many seconds' worth of bytes the first stream stops, its connection
held open, and every stream is silent until 7.5 s after that: a stalled server). Prints the port once it listens."""
import signal, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Started from a test thread that blocks signals, which a child inherits: unblock them, so the test can kill it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
signal.signal(signal.SIGTERM, signal.SIG_DFL)
port, path, rate = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
data = open(path, "rb").read()
stall_after = float(sys.argv[4]) if len(sys.argv) > 4 else None
stall_end = []

class Stream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *args): pass
    def do_GET(self):
        if self.path.startswith("/status/"):   # a mount that answers with an error, e.g. /status/503
            self.send_response(int(self.path.split("/")[2])); self.end_headers(); return
        self.send_response(200)
        self.send_header("Content-Type", "audio/mpeg")
        self.send_header("icy-name", "loa test")
        self.end_headers()
        start, sent, chunk = time.monotonic(), 0, 4096
        try:
            while True:
                for i in range(0, len(data), chunk):
                    due = start + max(0.0, (sent - rate) / rate)
                    delay = due - time.monotonic()
                    if delay > 0: time.sleep(delay)
                    if stall_after is not None and not stall_end and sent >= stall_after * rate:
                        stall_end.append(time.monotonic() + 7.5)
                    while stall_end and time.monotonic() < stall_end[0]:
                        time.sleep(0.05)
                        start = time.monotonic() - sent / rate + 1   # no burst to catch up afterwards
                    piece = data[i:i + chunk]
                    self.wfile.write(piece); self.wfile.flush()
                    sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass

server = ThreadingHTTPServer(("127.0.0.1", port), Stream)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
