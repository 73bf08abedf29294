#!/usr/bin/env python3
"""AWS API faults against the local stack (issue 7).

One stack for the whole script.  A healthy run first gives the reference
verdict and the set of (check id, status); then:
  - aws-throttle 0.5 (Query "Throttling" / JSON "ThrottlingException" answers)
    and aws-500 0.5 give the same verdict and the same checks, and -v shows
    the retries.  Measured: with 50 % failures, the default 3 attempts and the
    ~30 calls of a seed-suite run, 6 runs out of 6 exhausted the attempts of
    some call (P(run survives) = 0.875^30, about 2 %), so these runs set
    AWS_MAX_ATTEMPTS=12 (P(a call exhausts) = 1/4096); the retry policy itself
    stays the SDK default (standard mode).
  - aws-stall 1.0: with --aws-timeout 2 every attempt times out; the run exits
    3 in bounded time naming the operation.
  - wrong credentials (moto signature checking on via /moto-api/reset-auth):
    exit 3 with AWS's error in the console and a JUnit <error>.
  - expiring credentials from a loopback container-credentials endpoint (keys
    valid for 50 s): albcheck fetches them again (more than one hit) and passes.
Reports are written and parse on every exit 1 and 3.
"""
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

from tap import Tap
from albstack import LocalStack, ROOT, ALBCHECK
from reportcheck import report_problems, junit_has_error

t = Tap()
SUITE = os.path.join(ROOT, "checks", "microservices.json")

if not os.path.exists("/usr/sbin/nginx"):
    t.ok(False, "nginx is installed (make deps installs it)")
    sys.exit(t.done())

try:
    st = LocalStack()
except Exception as e:  # noqa: BLE001
    t.ok(False, "the local stack comes up", diag=str(e))
    sys.exit(t.done())
t.ok(True, "the local stack comes up (%.1f s)" % st.up_seconds)

N = [0]


def run(*extra, env=None, glob=(), timeout=240):
    """albcheck [glob] run SUITE -v --report-dir D extra…; returns (proc, dir, secs, report)."""
    N[0] += 1
    d = os.path.join(st.dir, "rep%d" % N[0])
    e = st.environ(env)
    t0 = time.monotonic()
    p = subprocess.run([ALBCHECK] + list(glob) + ["run", SUITE, "-v", "--log-wait", "20",
                                                  "--report-dir", d] + list(extra),
                       capture_output=True, text=True, env=e, timeout=timeout, cwd=ROOT)
    secs = time.monotonic() - t0
    rep = None
    try:
        with open(os.path.join(d, "report.json")) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        pass
    return p, d, secs, rep


def statuses(rep):
    return sorted((c["id"], c["status"]) for c in (rep or {}).get("checks", []))


def diag(p):
    return "exit %s\nstdout:\n%s\nstderr:\n%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:])


def moto_auth(value):
    req = urllib.request.Request(st.env["AWS_ENDPOINT_URL"] + "/moto-api/reset-auth",
                                 data=value.encode(), method="POST",
                                 headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


try:
    st.wait_all_healthy()
    p, d, secs, healthy = run()
    ref = statuses(healthy)
    t.ok(p.returncode == 0 and len(ref) == 18, "healthy run: exit 0, 18 checks (%.1f s)" % secs,
         diag=diag(p))

    # ------------------------------------------------------------ throttling and 500s
    for fault, words in (("aws-throttle", ("Throttling", "ThrottlingException")),
                         ("aws-500", ("HTTP 500",))):
        st.fault(fault, "0.5")
        p, d, secs, rep = run(env={"AWS_MAX_ATTEMPTS": "12"})
        st.clear()
        t.eq(p.returncode, 0, "%s 0.5: same verdict as healthy (exit 0, %.1f s)" % (fault, secs))
        t.ok(statuses(rep) == ref, "%s 0.5: same check ids and statuses" % fault,
             diag=diag(p) if statuses(rep) != ref else None)
        retries = [l for l in p.stderr.splitlines() if "retrying in" in l]
        t.ok(len(retries) >= 3 and all(any(w in l for l in retries) for w in words),
             "%s 0.5: -v shows the retries (%d), with %s" % (fault, len(retries), "/".join(words)),
             diag=p.stderr[-2000:])
        t.eq(report_problems(d), [], "%s 0.5: the three reports are written and parse" % fault)

    # ------------------------------------------------------------ stalled endpoint
    st.fault("aws-stall", "1.0")
    p, d, secs, rep = run(glob=["--aws-timeout", "2"], timeout=120)
    st.clear()
    t.eq(p.returncode, 3, "aws-stall: exit 3")
    t.ok(secs < 30, "aws-stall: bounded time with --aws-timeout 2 (%.1f s < 30 s)" % secs)
    out = p.stdout + p.stderr
    t.ok("DescribeLoadBalancers" in out and "timed out" in out,
         "aws-stall: the error names the operation and the timeout", diag=diag(p))
    t.ok(out.count("attempt 3/3") >= 1, "aws-stall: -v shows each attempt", diag=p.stderr[-1500:])
    t.eq(report_problems(d), [], "aws-stall: the three reports are written and parse")
    t.ok(junit_has_error(d, ["DescribeLoadBalancers"]),
         "aws-stall: JUnit has an <error> testcase naming the operation")

    # ------------------------------------------------------------ wrong credentials
    moto_auth("0")
    try:
        p, d, secs, rep = run(env={"AWS_ACCESS_KEY_ID": "AKIAWRONGKEY00000000",
                                   "AWS_SECRET_ACCESS_KEY": "wrong"})
    finally:
        moto_auth("inf")
    out = p.stdout + p.stderr
    t.eq(p.returncode, 3, "wrong credentials: exit 3")
    t.ok("InvalidClientTokenId" in out and "403" in out,
         "wrong credentials: AWS's error (InvalidClientTokenId, HTTP 403) in the console",
         diag=diag(p))
    t.eq(report_problems(d), [], "wrong credentials: the three reports are written and parse")
    t.ok(junit_has_error(d, ["InvalidClientTokenId"]),
         "wrong credentials: JUnit has an <error> testcase with AWS's error")
    t.ok(rep and any(c["status"] == "error" and "InvalidClientTokenId" in (c.get("message") or "")
                     for c in rep["checks"]),
         "wrong credentials: the JSON report carries the error")

    # ------------------------------------------------------------ expiring credentials
    hits = []

    class Creds(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(time.time())
            exp = datetime.now(timezone.utc) + timedelta(seconds=50)
            body = json.dumps({"AccessKeyId": "ASIATEMP%012d" % len(hits),
                               "SecretAccessKey": "tempsecret%d" % len(hits),
                               "Token": "temptoken%d" % len(hits),
                               "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Creds)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        env = st.environ()
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(k, None)
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:%d/creds" % srv.server_port
        d = os.path.join(st.dir, "rep-creds")
        pr = subprocess.run([ALBCHECK, "run", SUITE, "-v", "--log-wait", "20", "--report-dir", d],
                            capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    finally:
        srv.shutdown()
        srv.server_close()
    t.eq(pr.returncode, 0, "expiring credentials: the run completes and passes")
    t.ok(len(hits) > 1, "expiring credentials: the endpoint is hit more than once (%d)" % len(hits),
         diag=pr.stderr[-1500:])
    t.ok("refreshed" in pr.stderr, "expiring credentials: -v says the credentials were refreshed",
         diag=pr.stderr[-1500:])
finally:
    st.down()
sys.exit(t.done())
