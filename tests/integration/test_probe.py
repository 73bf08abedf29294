#!/usr/bin/env python3
"""Integration tests for the probe engine, through tests/tools/probe_run.

Every server runs on 127.0.0.1 on a free port and is stopped at the end:
a threaded http.server playing the services (and the ALB's own answers),
raw-socket servers for broken peers (headers that never end, a connection
closed mid-body), and an HTTPS server with a self-signed certificate made by
`openssl req -x509` in a temporary directory.  Probes address the made-up
ALB name alb.example.test and reach the servers through --connect-to /
--resolve, as a user would point albcheck at a local stack.
"""
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tap import Tap

t = Tap()
BUILDDIR = os.environ.get("BUILDDIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "debug"))
DRIVER = os.path.join(BUILDDIR, "tests", "tools", "probe_run")
ALB = "alb.example.test"

if not os.access(DRIVER, os.X_OK):
    t.ok(False, "probe_run driver is built", diag="missing %s (run make unit)" % DRIVER)
    sys.exit(t.done())

ENV = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


# ---------------------------------------------------------------- servers

class App(BaseHTTPRequestHandler):
    """The services, and the ALB's own answers, by path."""
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    seen = []               # (path, headers dict)
    flaky = {}              # key -> calls so far
    inflight = 0
    max_inflight = 0
    conns = 0
    max_conns = 0
    accepted = 0

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        with App.lock:
            App.conns += 1
            App.accepted += 1
            App.max_conns = max(App.max_conns, App.conns)

    def finish(self):
        with App.lock:
            App.conns -= 1
        super().finish()

    def send(self, status, body, ctype="text/plain", extra=()):
        # Our own Server header replaces http.server's when given.
        if any(k == "Server" for k, _ in extra):
            self.log_request(status)
            self.send_response_only(status)
            self.send_header("Date", self.date_time_string())
        else:
            self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with App.lock:
            App.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        p = self.path.split("?")[0]
        if p == "/auth/login":
            self.send(200, b"Hello from Auth Service\n",
                      extra=[("X-Service", "auth"), ("Set-Cookie", "session=s3cr3t")])
        elif p == "/slow":
            time.sleep(0.6)
            self.send(200, b"slow but fine\n")
        elif p == "/elb503":
            self.send(503, b"<html><body><center><h1>503 Service Temporarily Unavailable</h1>"
                           b"</center></body></html>", "text/html",
                      extra=[("Server", "awselb/2.0")])
        elif p == "/elb502":
            self.send(502, b"<html>502 Bad Gateway</html>", "text/html", extra=[("Server", "awselb/2.0")])
        elif p == "/nope":
            self.send(404, b"no route for this path", "text/plain; charset=utf-8",
                      extra=[("Server", "awselb/2.0")])
        elif p.startswith("/flaky/"):
            with App.lock:
                n = App.flaky.get(p, 0) + 1
                App.flaky[p] = n
            if n < 3:
                self.send(500, b"warming up %d\n" % n)
            else:
                self.send(200, b"ready\n")
        elif p == "/hostile":
            self.send(200, b"ok\x00\x1b[31mred\x1b[0m\xff\xfe\xc3(<script>alert(1)</script>\r\n",
                      "text/html")
        elif p == "/huge":
            total = 1 << 30
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            chunk = b"x" * 65536
            sent = 0
            try:
                while sent < total:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            self.close_connection = True
        elif p == "/conc":
            with App.lock:
                App.inflight += 1
                App.max_inflight = max(App.max_inflight, App.inflight)
            time.sleep(0.3)
            with App.lock:
                App.inflight -= 1
            self.send(200, b"counted\n")
        else:
            self.send(200, b"default\n")

    def echo(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with App.lock:
            App.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        out = json.dumps({"method": self.command, "body": body.decode(errors="replace"),
                          "content_length": self.headers.get("Content-Length"),
                          "content_type": self.headers.get("Content-Type")}).encode()
        self.send(201, out, "application/json")

    do_POST = do_PUT = do_DELETE = do_PATCH = echo

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128    # 40 simultaneous connects must not overflow the backlog

    def handle_error(self, request, client_address):
        pass                    # clients that hang up early are part of the tests


class Raw:
    """A raw-socket server: handler(conn) runs in a thread per connection."""

    def __init__(self, handler):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        self.stopping = False
        self.th = threading.Thread(target=self.loop, daemon=True)
        self.th.start()

    def loop(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def serve(self, c):
        try:
            c.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                d = c.recv(4096)
                if not d:
                    return
                data += d
            self.handler(c)
        except OSError:
            pass
        finally:
            c.close()

    def stop(self):
        self.stopping = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def endless_headers(c):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
    i = 0
    deadline = time.time() + 8
    while time.time() < deadline:
        c.sendall(b"X-Filler-%d: %s\r\n" % (i, b"a" * 200))
        i += 1


def trickle_headers(c):
    c.sendall(b"HTTP/1.1 200 OK\r\n")
    for i in range(40):
        c.sendall(b"X-Slow-%d: 1\r\n" % i)
        time.sleep(0.1)


def closed_mid_body(c):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
              + b"y" * 100)
    c.shutdown(socket.SHUT_RDWR)


# ---------------------------------------------------------------- helpers

def run(probes, port, options=None, scheme="http", env_extra=None, target_port=80):
    opts = {"connect_to": ["%s:%d:127.0.0.1:%d" % (ALB, target_port, port)]}
    opts.update(options or {})
    doc = {"target": {"scheme": scheme, "host": ALB, "port": target_port},
           "options": opts, "probes": probes}
    env = dict(ENV)
    env.update(env_extra or {})
    p = subprocess.Popen([DRIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    # os.wait4 gives this child's own peak RSS (KiB), unlike RUSAGE_CHILDREN.
    out_chunks = []

    def reader():
        out_chunks.append(p.stdout.read())
    rt = threading.Thread(target=reader)
    rt.start()
    p.stdin.write(json.dumps(doc).encode())
    p.stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    rt.join()
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.stdout.close()
    if p.returncode != 0:
        raise RuntimeError("probe_run exited %d: %s" % (p.returncode, err))
    res = json.loads(out_chunks[0])
    res["maxrss_kib"] = ru.ru_maxrss
    return res


def one(probe, port, **kw):
    return run([probe], port, **kw)["outcomes"][0]


def check(desc, fn):
    t.run(desc, fn)


def expect(cond, what, o=None):
    if not cond:
        raise AssertionError(what + ("\n" + json.dumps(o, indent=1)[:3000] if o is not None else ""))


# ---------------------------------------------------------------- start servers

app = QuietServer(("127.0.0.1", 0), App)
APP = app.server_address[1]
threading.Thread(target=app.serve_forever, daemon=True).start()
raw_endless = Raw(endless_headers)
raw_trickle = Raw(trickle_headers)
raw_closed = Raw(closed_mid_body)
tmp = tempfile.TemporaryDirectory()
https = None

try:
    # ------------------------------------------------------------ normal answers
    def normal_pass():
        o = one({"id": "auth:GET /auth/login", "service": "auth", "path": "/auth/login",
                 "expect": {"status": [200], "body": "Hello from \\w+ Service",
                            "headers": [{"name": "x-service", "equals": "auth"},
                                        {"name": "Content-Type", "regex": "^text/"},
                                        {"name": "X-Powered-By", "absent": True}]},
                 "route": {"target_group": "auth-tg", "healthy": 2, "registered": 2}}, APP)
        expect(o["verdict"] == "pass", "verdict pass", o)
        expect(o["origin"] == "service", "origin service", o)
        expect(o["check_id"] == "probe:auth:GET /auth/login", "check id", o)
        expect(o["check_name"] == "probe GET /auth/login", "check name", o)
        expect(o["check_group"] == "auth", "group is the service", o)
        expect(o["status"] == 200 and o["http_version"] == "1.1", "status/version", o)
        expect(o["remote"] == "127.0.0.1:%d" % APP, "remote address recorded", o)
        expect(o["response_headers"].get("Set-Cookie") == "(redacted)", "Set-Cookie redacted", o)
        expect(o["response_headers"].get("X-Service") == "auth", "expected header kept", o)
        expect("Date" in o["response_headers"], "Date kept", o)
        tm = o["timings"]
        expect(0 < tm["total_ms"] and tm["ttfb_ms"] <= tm["total_ms"], "timings", o)
    check("a normal answer passes status, body regex and header expectations", normal_pass)

    def normal_fail():
        o = one({"path": "/auth/login",
                 "expect": {"status": [[300, 399], 204], "body": "Goodbye",
                            "headers": [{"name": "X-Service", "equals": "orders"},
                                        {"name": "X-Missing"},
                                        {"name": "Content-Type", "absent": True}]}}, APP)
        m = o["message"]
        expect(o["verdict"] == "fail", "verdict fail", o)
        expect("expected 300-399 or 204, got 200 from the service" in m, "status message", o)
        expect("body does not match /Goodbye/" in m and "Hello from Auth Service" in m,
               "body failure shows the body", o)
        expect('header X-Service is "auth", expected "orders"' in m, "header equals", o)
        expect("header X-Missing is missing" in m, "header presence", o)
        expect("header Content-Type should be absent" in m, "header absence", o)
        expect(o["check_group"] == "load-balancer", "top-level probe group", o)
    check("a normal answer failing its expectations says each failure", normal_fail)

    def methods():
        r = run([{"method": "POST", "path": "/echo", "body": '{"user":"a"}',
                  "headers": {"Content-Type": "application/json"},
                  "expect": {"status": 201, "body": '"method": "POST".*"body": "\\{\\\\"user'}},
                 {"method": "PUT", "path": "/echo",
                  "expect": {"status": 201, "body": '"method": "PUT".*"content_length": "0"'}},
                 {"method": "DELETE", "path": "/echo", "body": "x",
                  "expect": {"status": 201, "body": '"method": "DELETE", "body": "x"'}},
                 {"method": "HEAD", "path": "/auth/login", "expect": {"status": 200}}], APP)
        for o in r["outcomes"]:
            expect(o["verdict"] == "pass", "method %s" % o["method"], o)
        expect('"content_type": "application/json"' in r["outcomes"][0]["body_printable"],
               "the suite's Content-Type is sent", r["outcomes"][0])
    check("methods, request bodies and headers are sent as the spec says", methods)

    # ------------------------------------------------------------ correlation
    def correlation():
        App.seen.clear()
        r = run([{"path": "/auth/login"}, {"path": "/auth/login?user=a#frag"},
                 {"path": "/auth/login", "headers": {"Authorization": "Bearer hunter2",
                                                     "X-Api-Key": "k123", "X-Plain": "v"}}],
                APP, options={"run_id": "c0ffee12"})
        outs = r["outcomes"]
        now = time.time()
        for i, o in enumerate(outs, 1):
            tok = o["token"]
            expect(tok == "albcheck-c0ffee12-%d" % i, "token format", o)
            expect(re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", o["trace_id"]), "trace id format", o)
            expect(abs(int(o["trace_id"][7:15], 16) - now) < 60, "trace id time is now", o)
            expect(o["request_headers"]["X-Request-Id"] == tok, "X-Request-Id in evidence", o)
        byrid = {h.get("x-request-id"): (path, h) for path, h in App.seen}
        for o in outs:
            path, h = byrid[o["token"]]
            expect("albcheck=" + o["token"] in path, "token as query parameter: %s" % path, o)
            expect(h.get("x-amzn-trace-id") == o["trace_id"], "trace id arrived", o)
        expect(byrid[outs[1]["token"]][0] == "/auth/login?user=a&albcheck=" + outs[1]["token"],
               "query appended to an existing query, fragment not sent", outs[1])
        expect(byrid[outs[2]["token"]][1].get("authorization") == "Bearer hunter2",
               "the secret header is sent", outs[2])
        rh = outs[2]["request_headers"]
        expect(rh["Authorization"] == "(redacted)" and rh["X-Api-Key"] == "(redacted)"
               and rh["X-Plain"] == "v", "secrets redacted in evidence", outs[2])
        expect("hunter2" not in json.dumps(outs[2]), "no secret anywhere in the evidence", outs[2])
    check("the token arrives as query parameter and X-Request-Id, trace id well formed", correlation)

    def correlation_modes():
        App.seen.clear()
        for mode in ("query", "header", "off"):
            o = one({"path": "/auth/login", "expect": {"status": 200}}, APP,
                    options={"correlation": mode, "run_id": "0000beef"})
            path, h = App.seen[-1]
            expect(("albcheck=" in path) == (mode == "query"), "query presence for " + mode, o)
            expect(("x-request-id" in h) == (mode == "header"), "header presence for " + mode, o)
            expect("x-amzn-trace-id" in h, "trace id always sent", o)
    check("correlation modes query, header and off send what they say", correlation_modes)

    # ------------------------------------------------------------ Host and connect-to
    def host_override():
        App.seen.clear()
        o = one({"path": "/auth/login", "host": "api.example.com"}, APP)
        expect(App.seen[-1][1]["host"] == "api.example.com", "Host override arrives", o)
        expect(o["request_headers"]["Host"] == "api.example.com", "Host in evidence", o)
        o = one({"path": "/auth/login"}, APP)
        expect(App.seen[-1][1]["host"] == ALB, "ALB name as Host via --connect-to", o)
        expect(o["url"].startswith("http://%s/auth/login" % ALB), "URL names the ALB", o)
        # The same through ALBCHECK_CONNECT_TO (comma and space separated).
        o = one({"path": "/auth/login", "expect": {"status": 200}}, APP,
                options={"connect_to": [], "connect_to_env": True},
                env_extra={"ALBCHECK_CONNECT_TO": "other.test:80:127.0.0.1:1, %s:80:127.0.0.1:%d" % (ALB, APP)})
        expect(o["verdict"] == "pass" and App.seen[-1][1]["host"] == ALB, "ALBCHECK_CONNECT_TO", o)
        # And with --resolve: the ALB name resolves to loopback on the target port.
        o = one({"path": "/auth/login", "expect": {"status": 200}}, APP,
                options={"connect_to": [], "resolve": ["%s:%d:127.0.0.1" % (ALB, APP)]},
                target_port=APP)
        expect(o["verdict"] == "pass", "--resolve", o)
        expect(App.seen[-1][1]["host"] == "%s:%d" % (ALB, APP), "Host with a non-default port", o)
    check("Host override, --connect-to, ALBCHECK_CONNECT_TO and --resolve", host_override)

    def proxy_from_env():
        # libcurl's own environment proxy handling: the request goes to the
        # proxy with the absolute URL (the ALB name need not resolve here).
        App.seen.clear()
        o = one({"path": "/auth/login", "expect": {"status": 200}}, APP,
                options={"connect_to": []},
                env_extra={"http_proxy": "http://127.0.0.1:%d" % APP, "no_proxy": ""})
        expect(o["verdict"] == "pass", "passes through the proxy", o)
        path, h = App.seen[-1]
        expect(path == "http://%s/auth/login?albcheck=%s" % (ALB, o["token"]), "absolute URL to the proxy: %s" % path, o)
        expect(h.get("host") == ALB, "Host is the ALB", o)
    check("a proxy from the environment (http_proxy) is honoured", proxy_from_env)

    # ------------------------------------------------------------ latency budget
    def budget():
        o = one({"path": "/slow", "expect": {"status": 200, "max_ms": 200}}, APP)
        expect(o["verdict"] == "fail", "over budget fails", o)
        expect(re.search(r"took \d+ ms, over the latency budget of 200 ms", o["message"]), "budget message", o)
        o = one({"path": "/slow", "expect": {"status": 200, "max_ms": 2500}}, APP)
        expect(o["verdict"] == "pass", "within budget passes", o)
    check("a slow answer against a latency budget", budget)

    # ------------------------------------------------------------ origin
    def elb_503():
        o = one({"id": "auth:GET /elb503", "service": "auth", "path": "/elb503",
                 "expect": {"status": 200},
                 "route": {"target_group": "auth-tg", "healthy": 0, "registered": 2}}, APP)
        expect(o["verdict"] == "fail", "fails", o)
        expect(o["origin"] == "load_balancer", "origin load balancer", o)
        expect(o["message"].startswith("503 from the load balancer: auth-tg has no healthy targets"),
               "message names the group", o)
        expect("expected 200" in o["message"], "and the expectation", o)
        expect(o["hint"] and "health" in o["hint"], "hint at health", o)
        o = one({"path": "/elb502", "expect": {"status": 200}, "route": {"target_group": "order-tg"}}, APP)
        expect("502 from the load balancer: a target of order-tg closed the connection" in o["message"], "502", o)
    check("a 503 with Server: awselb/2.0 is the load balancer's, naming the group", elb_503)

    def fixed_404():
        fixed = {"status": 404, "content_type": "text/plain", "body": "no route for this path"}
        o = one({"path": "/nope", "expect": {"status": 404, "from": "load_balancer"},
                 "route": {"fixed": fixed}}, APP)
        expect(o["verdict"] == "pass", "fixed response expected from the LB passes", o)
        expect(o["origin"] == "load_balancer" and "fixed response" in o["origin_detail"], "fixed", o)
        o = one({"path": "/nope", "expect": {"status": 404, "from": "load_balancer"},
                 "route": {"fixed": dict(fixed, body="something else")}}, APP)
        expect("not the listener's configured fixed response" in o["origin_detail"], "mismatch noted", o)
        o = one({"path": "/auth/login", "expect": {"status": [200, 404], "from": "load_balancer"},
                 "route": {"fixed": fixed}}, APP)
        expect(o["verdict"] == "fail" and o["origin"] == "service", "a service answered", o)
        expect("expected an answer from the load balancer itself, but the service answered" in o["message"],
               "says so", o)
    check("a fixed 404 matching the listener config; a service answer where the LB was expected", fixed_404)

    # ------------------------------------------------------------ retries
    def flaky():
        o = one({"path": "/flaky/a", "retries": 3, "retry_delay_ms": 50, "expect": {"status": 200}}, APP)
        expect(o["verdict"] == "flaky", "flaky verdict", o)
        expect([a["status"] for a in o["attempts"]] == [500, 500, 200], "every attempt kept", o)
        expect(o["attempts"][0]["failure"] and o["attempts"][2]["failure"] is None, "failures kept", o)
        expect("attempt 1" in o["details"] and "attempt 3" in o["details"], "attempts in details", o)
        expect(o["message"].startswith("flaky: passed on attempt 3 of 4 allowed, after 2 failed "
                                       "(first: expected 200, got 500 from the service"), "message", o)
        o = one({"path": "/flaky/b", "retries": 1, "expect": {"status": 200}}, APP)
        expect(o["verdict"] == "fail" and len(o["attempts"]) == 2, "not enough retries fails", o)
        expect("failed all 2 attempts" in o["message"], "says so", o)
        o = one({"path": "/flaky/c", "expect": {"status": 200}}, APP)
        expect(o["verdict"] == "fail" and len(o["attempts"]) == 1, "no retries unless asked", o)
    check("retries make a FLAKY verdict with all attempts kept", flaky)

    # ------------------------------------------------------------ hostile and huge
    def hostile():
        o = one({"path": "/hostile", "expect": {"status": 200, "body": "never"}}, APP)
        raw = bytes.fromhex(o["body_hex"])
        expect(raw == b"ok\x00\x1b[31mred\x1b[0m\xff\xfe\xc3(<script>alert(1)</script>\r\n",
               "raw bytes kept exactly", o)
        m = o["message"]
        expect("\x1b" not in m and "\x00" not in m and "\\x1b" in m and "\\x00" in m and "\\xff" in m,
               "failure message made printable", o)
        o = one({"path": "/hostile", "expect": {"status": 200, "body": "red\\x1b\\[0m\\xff"}}, APP)
        expect(o["verdict"] == "pass", "regex matches on binary bytes after NUL", o)
    check("a hostile body (NUL, ESC, invalid UTF-8, <script>) is kept raw, shown printable", hostile)

    def huge():
        r = run([{"path": "/huge", "timeout_ms": 20000, "expect": {"status": 200}}], APP)
        o = r["outcomes"][0]
        expect(o["verdict"] == "pass", "a truncated body is not an error", o)
        expect(o["body_truncated"] and o["body_len"] == 8192, "read stopped at 64 KiB, 8 KiB kept", o)
        expect(o["body_total"] >= 65536 and o["body_total"] < (1 << 30), "stopped early", o)
        expect(r["maxrss_kib"] < 32 * 1024, "peak RSS %d KiB under 32 MiB" % r["maxrss_kib"])
        t.diag("1 GiB body: peak RSS %d KiB, %d bytes read" % (r["maxrss_kib"], o["body_total"]))
    check("a 1 GiB streamed body is truncated with bounded memory", huge)

    def body_caps():
        # The regex sees the whole capped body (64 KiB), the evidence keeps
        # an excerpt; a smaller body_cap hides what lies beyond it.
        o = one({"path": "/huge", "expect": {"status": 200, "body": "^x{60000}"}}, APP)
        expect(o["verdict"] == "pass" and o["body_len"] == 8192, "matched beyond the excerpt", o)
        o = one({"path": "/huge", "expect": {"status": 200, "body": "^x{60000}"}}, APP,
                options={"body_cap": 1024, "excerpt_cap": 100})
        expect(o["verdict"] == "fail" and o["body_len"] == 100 and o["body_truncated"], "cap applies", o)
        expect("(%d bytes, truncated)" % o["body_total"] in o["message"], "says truncated", o)
    check("body_cap bounds what is matched, excerpt_cap what is kept", body_caps)

    # ------------------------------------------------------------ broken peers
    def never_ending():
        r = run([{"path": "/", "timeout_ms": 5000, "expect": {"status": 200}}], raw_endless.port)
        o = r["outcomes"][0]
        expect(o["verdict"] == "fail" and o["origin"] == "none", "fails with no answer", o)
        expect("response headers exceeded 64 KiB" in o["message"], "clear message", o)
        expect(r["maxrss_kib"] < 32 * 1024, "peak RSS %d KiB bounded" % r["maxrss_kib"])
        t.diag("endless headers: peak RSS %d KiB" % r["maxrss_kib"])
        o = one({"path": "/", "timeout_ms": 800, "expect": {"status": 200}}, raw_trickle.port)
        expect(o["verdict"] == "fail" and
               "timed out after 800 ms waiting for the response headers" in o["message"], "timeout", o)
    check("headers that never end: a clear error, bounded memory; trickled headers time out", never_ending)

    def mid_body():
        o = one({"path": "/", "expect": {"status": 200}}, raw_closed.port)
        expect(o["verdict"] == "fail", "fails", o)
        expect("closed mid-body after 100 bytes" in o["message"], "clear message", o)
        expect(o["body_total"] == 100, "what arrived is counted", o)
    check("a connection closed mid-body is a clear error", mid_body)

    def unreachable():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        o = one({"path": "/", "expect": {"status": 200}}, port)
        expect(o["verdict"] == "fail" and o["origin"] == "none", "fails, no origin", o)
        expect(o["message"].startswith("could not connect"), "says so", o)
    check("a refused connection is reported as such", unreachable)

    # ------------------------------------------------------------ concurrency
    def concurrency():
        App.max_inflight = App.max_conns = 0
        before = App.accepted
        r = run([{"path": "/conc", "expect": {"status": 200}} for _ in range(40)], APP)
        verdicts = [o["verdict"] for o in r["outcomes"]]
        expect(verdicts == ["pass"] * 40, "all pass", verdicts)
        expect(App.max_inflight == 16, "max in flight %d == 16" % App.max_inflight)
        expect(App.max_conns <= 16, "connections %d never above 16" % App.max_conns)
        expect(App.accepted - before <= 16, "connections reused (%d accepted)" % (App.accepted - before))
    check("40 probes reach the cap of 16 concurrent transfers and never exceed it", concurrency)

    def small_cap():
        App.max_inflight = 0
        run([{"path": "/conc"} for _ in range(10)], APP, options={"concurrency": 3})
        expect(App.max_inflight == 3, "max in flight %d == 3" % App.max_inflight)
    check("--concurrency 3 holds at 3", small_cap)

    def deadline():
        r = run([{"path": "/slow", "timeout_ms": 5000}, {"path": "/slow", "timeout_ms": 5000}], APP,
                options={"deadline_in_ms": 200, "concurrency": 1})
        a, b = r["outcomes"]
        expect(a["verdict"] == "skip" and "deadline" in a["message"], "running probe not finished", a)
        expect(b["verdict"] == "skip" and b["message"] == "not run: the deadline passed", "pending not run", b)
    check("a deadline reports unfinished probes as not run", deadline)

    def interrupted():
        doc = {"target": {"scheme": "http", "host": ALB, "port": 80},
               "options": {"connect_to": ["%s:80:127.0.0.1:%d" % (ALB, APP)], "concurrency": 1},
               "probes": [{"path": "/slow", "timeout_ms": 5000}, {"path": "/slow", "timeout_ms": 5000}]}
        p = subprocess.Popen([DRIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=ENV)
        App.seen.clear()
        p.stdin.write(json.dumps(doc).encode())
        p.stdin.close()
        # Signal only once the first probe has reached the server, so the
        # driver is surely past start-up with its handler installed.
        limit = time.time() + 10
        while not any(path.startswith("/slow") for path, _ in list(App.seen)) and time.time() < limit:
            time.sleep(0.01)
        p.send_signal(15)
        out = p.stdout.read()
        p.stdout.close()
        expect(p.wait(timeout=10) == 0, "driver exits normally after SIGTERM")
        a, b = json.loads(out)["outcomes"]
        expect(a["verdict"] == "skip" and a["message"] == "not finished: interrupted after 1 attempt", "running", a)
        expect(b["verdict"] == "skip" and b["message"] == "not run: interrupted", "pending", b)
    check("SIGTERM (the stop flag) reports unfinished probes as not run", interrupted)

    # ------------------------------------------------------------ HTTPS
    d = tmp.name
    key, crt = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    gen = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                          "-out", crt, "-days", "30", "-subj", "/CN=%s/O=albcheck test" % ALB,
                          "-addext", "subjectAltName=DNS:%s" % ALB],
                         capture_output=True)
    if gen.returncode != 0:
        t.skip("HTTPS probes", "openssl req -x509 failed: %s" % gen.stderr.decode(errors="replace"))
    else:
        https = QuietServer(("127.0.0.1", 0), App)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        https.socket = ctx.wrap_socket(https.socket, server_side=True)
        HTTPS = https.server_address[1]
        threading.Thread(target=https.serve_forever, daemon=True).start()

        def tls(options, min_days=7):
            return run([{"path": "/auth/login", "expect": {"status": 200, "cert_min_days": min_days}},
                        {"path": "/auth/login", "expect": {"status": 200, "cert_min_days": min_days}}],
                       HTTPS, scheme="https", target_port=443, options=options)["outcomes"]

        def https_cacert():
            for o in tls({"cacert": crt}):
                expect(o["verdict"] == "pass", "passes with --cacert", o)
                expect(re.search("CN ?= ?" + re.escape(ALB), o["cert_subject"] or "") and re.search("CN ?= ?" + re.escape(ALB), o["cert_issuer"] or ""),
                       "subject and issuer recorded (also on a reused connection)", o)
                expect(28 <= o["cert_days_left"] <= 30, "days left", o)
        check("HTTPS with --cacert passes and records subject/issuer", https_cacert)

        def https_noca():
            o = tls({})[0]
            expect(o["verdict"] == "fail" and "certificate verification failed" in o["message"]
                   and "--cacert" in o["message"], "verification fails clearly", o)
        check("HTTPS without the CA fails verification clearly", https_noca)

        def https_insecure():
            o = tls({"insecure": True})[0]
            expect(o["verdict"] == "pass" and o["cert_subject"], "--insecure passes", o)
        check("HTTPS with --insecure passes", https_insecure)

        def https_min_days():
            o = tls({"cacert": crt}, min_days=400)[0]
            exp = time.strftime("%Y-%m-%d", time.gmtime(o["cert_not_after_s"]))
            expect(o["verdict"] == "fail", "fails", o)
            expect(("certificate expires on %s" % exp) in o["message"] and "at least 400" in o["message"],
                   "names the expiry date", o)
            expect(abs(o["cert_not_after_s"] - (time.time() + 30 * 86400)) < 3 * 86400, "expiry parsed", o)
        check("cert_min_days beyond the certificate's lifetime fails naming the expiry", https_min_days)
finally:
    app.shutdown()
    app.server_close()
    if https:
        https.shutdown()
        https.server_close()
    raw_endless.stop()
    raw_trickle.stop()
    raw_closed.stop()
    tmp.cleanup()

sys.exit(t.done())
