"""One emulated ECS task: serves a service's Flask app on the task's own loopback IP.

Started by the daemon (harness/ecs.py) as its own process, like a Fargate task gets
its own machine. The daemon binds the listening socket (so the address is known
before the process starts) and passes it as --fd; everything the app prints goes to
stdout, which the daemon reads and ships to CloudWatch Logs (awslogs emulation).

Data-plane faults are read from a small JSON file the daemon writes
(<run-dir>/faults/<service>.json, re-read when its mtime changes). A request whose
User-Agent starts with "ELB-HealthChecker" is a health check: only `fail-health`
applies to it, every other fault leaves it alone.

    fail_health: int status | "timeout"     health checks answer that status / hang 60 s
    body: TEXT          the app's answer body is replaced by TEXT (status kept)
    slow_ms: N          every answer is delayed by N ms
    raw: "hostile-body" | "huge-body" | "stall-headers" | "close-mid-body"
"""
import argparse
import importlib.util
import json
import logging
import os
import signal
import socket
import sys
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server

HEALTH_UA = "ELB-HealthChecker"
HUGE_BYTES = 1 << 30
CHUNK = 64 * 1024


class FaultFile:
    """The task's view of its service's fault file, re-read when it changes."""

    def __init__(self, path):
        self.path = path
        self._mtime = None
        self.state = {}

    def get(self):
        try:
            m = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            self._mtime, self.state = None, {}
            return self.state
        if m != self._mtime:
            try:
                with open(self.path, encoding="utf-8") as f:
                    self.state = json.load(f)
                self._mtime = m
            except (OSError, ValueError):
                pass  # being rewritten: keep the previous state, retry next request
        return self.state


def access_line(remote, method, target, proto, status, rid, trace):
    """The same access line format as the apps' own (see services/*/app.py)."""
    print('%s - "%s %s %s" %d rid=%s trace=%s' % (
        remote or "-", method, target, proto, status, rid or "-", trace or "-"), flush=True)


def log_environ(environ, status):
    access_line(environ.get("REMOTE_ADDR"), environ.get("REQUEST_METHOD"),
                environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO"),
                environ.get("SERVER_PROTOCOL", "HTTP/1.1"), status,
                environ.get("HTTP_X_REQUEST_ID"), environ.get("HTTP_X_AMZN_TRACE_ID"))


def hostile_body(display):
    """A body meant to break naive report writers and terminals (never valid UTF-8)."""
    return (
        b"<html><body><h1>Hello from " + display.encode() + b" Service!</h1>\n"
        b"<script>alert(1)</script>\n"
        b"]]> <![CDATA[ x ]]> --> <!-- & &amp; \"quoted\" 'single' `tick` {{7*7}} ${7*7}\n"
        b"NUL:\x00 ESC:\x1b[31mred\x1b[0m BEL:\x07 BS:\x08 VT:\x0b FF:\x0c CR:\r DEL:\x7f\n"
        b"C1:\xc2\x85\xc2\x9b OSC:\x1b]0;pwned\x07 invalid UTF-8:\xff\xfe\xc3\x28\xa0\xa1\xed\xa0\x80\xf8\x88\x80\x80\x80\n"
        b"RTL:\xe2\x80\xae txt.exe BOM:\xef\xbb\xbf ZWJ:\xe2\x80\x8d\n"
        b"</body></html>\n")


class FaultMiddleware:
    """WSGI wrapper applying the body/slow/fail-health/hostile/huge faults."""

    def __init__(self, app, faults, display):
        self.app = app
        self.faults = faults
        self.display = display

    def __call__(self, environ, start_response):
        f = self.faults.get()
        is_hc = environ.get("HTTP_USER_AGENT", "").startswith(HEALTH_UA)
        if is_hc:
            fh = f.get("fail_health")
            if fh == "timeout":
                time.sleep(60)  # far beyond any health check timeout
                fh = 504
            if fh:
                code = int(fh)
                log_environ(environ, code)
                start_response("%d Health Check Failed" % code,
                               [("Content-Type", "text/plain"), ("Content-Length", "6")])
                return [b"FAILED"]
            return self.app(environ, start_response)
        if f.get("slow_ms"):
            time.sleep(float(f["slow_ms"]) / 1000.0)
        raw = f.get("raw")
        if raw == "hostile-body":
            body = hostile_body(self.display)
            log_environ(environ, 200)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("X-Hostile", "<script>alert(1)</script> ]]> \"'&"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if raw == "huge-body":
            log_environ(environ, 200)
            start_response("200 OK", [("Content-Type", "application/octet-stream"),
                                      ("Content-Length", str(HUGE_BYTES))])
            return huge_chunks(self.display)
        if "body" in f:
            text = str(f["body"]).encode("utf-8")

            def replace_body(status, headers, exc_info=None):
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
                headers.append(("Content-Length", str(len(text))))
                return start_response(status, headers, exc_info)

            it = self.app(environ, replace_body)
            try:
                for _ in it:
                    pass
            finally:
                if hasattr(it, "close"):
                    it.close()
            return [text]
        return self.app(environ, start_response)


def huge_chunks(display):
    """1 GiB generated on the fly, 64 KiB at a time: never held in memory whole."""
    line = ("Hello from %s Service! this is a huge body. " % display).encode()
    chunk = (line * (CHUNK // len(line) + 1))[:CHUNK]
    sent = 0
    while sent < HUGE_BYTES:
        n = min(CHUNK, HUGE_BYTES - sent)
        yield chunk[:n]
        sent += n


def make_handler(faults):
    class Handler(WSGIRequestHandler):
        """werkzeug's handler, plus the raw-socket faults and no request log of its own."""

        def log_request(self, code="-", size="-"):
            pass  # the app writes its own access line

        def log(self, type, message, *args):
            if type == "error":
                sys.stderr.write("%s\n" % (message % args))

        def run_wsgi(self):
            raw = faults.get().get("raw")
            if raw in ("stall-headers", "close-mid-body") and \
                    not self.headers.get("User-Agent", "").startswith(HEALTH_UA):
                access_line(self.client_address[0], self.command, self.path,
                            self.request_version, 200, self.headers.get("X-Request-Id"),
                            self.headers.get("X-Amzn-Trace-Id"))
                try:
                    if raw == "stall-headers":
                        self._stall_headers()
                    else:
                        self._close_mid_body()
                except OSError:
                    pass
                self.close_connection = True
                return
            super().run_wsgi()

        def _stall_headers(self):
            # A status line, then a header line every half second, never the blank
            # line that ends the headers; stops when the peer goes away (or 1 h).
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
            self.wfile.flush()
            for i in range(7200):
                time.sleep(0.5)
                self.wfile.write(b"X-Stall-%05d: %s\r\n" % (i, b"z" * 48))
                self.wfile.flush()

        def _close_mid_body(self):
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: 100000\r\nConnection: close\r\n\r\n")
            self.wfile.write((b"partial body " * 100)[:1000])
            self.wfile.flush()
            time.sleep(0.05)
            self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


def load_app(path):
    spec = importlib.util.spec_from_file_location("service_app", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(path))
    spec.loader.exec_module(mod)
    return mod.app


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app", required=True, help="path of the service's app.py")
    ap.add_argument("--fd", type=int, required=True, help="inherited listening socket")
    ap.add_argument("--fault-file", required=True)
    ap.add_argument("--display", default="Service")
    ap.add_argument("--ready-fd", type=int, default=None, help="closed once the app serves")
    a = ap.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    faults = FaultFile(a.fault_file)
    app = FaultMiddleware(load_app(a.app), faults, a.display)
    sock = socket.socket(fileno=a.fd)
    host, port = sock.getsockname()[:2]
    sock.detach()
    srv = make_server(host, port, app, threaded=True, request_handler=make_handler(faults), fd=a.fd)
    srv.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.ready_fd is not None:  # the container has started: ECS may now call the task RUNNING
        os.write(a.ready_fd, b"1")
        os.close(a.ready_fd)
    srv.serve_forever(poll_interval=0.5)


if __name__ == "__main__":
    main()
