#!/usr/bin/env python3
"""Hostile and broken answers through the real stack (issue 7).

One stack.  hostile-body on auth-service (<script>, ]]>, NUL, ESC, invalid
UTF-8…): the real run's JUnit validates against the schema, the HTML parses
with xmllint --html (only HTML5/SVG "Tag X invalid" warnings tolerated), holds
no <script tag and shows the hostile body escaped, the JSON parses and holds
every check.  huge-body (1 GiB streamed), stall-headers (headers never end)
and close-mid-body: albcheck's peak RSS (os.wait4 → ru_maxrss) stays under
32 MiB and each is reported in words: the body cut at the cap ("truncated",
Content-Length 1073741824 in the evidence), "waiting for the response
headers", "closed mid-body".
"""
import json
import os
import re
import subprocess
import sys
import time

from tap import Tap
from albstack import LocalStack, ROOT, ALBCHECK
from reportcheck import report_problems, have_xsd

t = Tap()
SUITE = os.path.join(ROOT, "checks", "microservices.json")
PROBE = "probe:auth:GET /auth/login"
RSS_LIMIT_KIB = 32 * 1024
# Under ASan the shadow memory alone exceeds 32 MiB: the limit is for real builds.
SANITIZED = os.path.basename(os.environ.get("BUILDDIR", "").rstrip("/")) == "asan"

if not os.path.exists("/usr/sbin/nginx"):
    t.ok(False, "nginx is installed (make deps installs it)")
    sys.exit(t.done())
try:
    st = LocalStack()
except Exception as e:  # noqa: BLE001
    t.ok(False, "the local stack comes up", diag=str(e))
    sys.exit(t.done())
t.ok(True, "the local stack comes up (%.1f s)" % st.up_seconds)
if not have_xsd():
    t.skip("JUnit validates against junit-10.xsd", "$SHARED/junit/junit-10.xsd not available")


def run(name, *extra):
    """Run the seed suite; returns (exit, stdout, report dir, peak RSS KiB, seconds)."""
    d = os.path.join(st.dir, name)
    t0 = time.monotonic()
    p = subprocess.Popen([ALBCHECK, "run", SUITE, "--report-dir", d] + list(extra),
                         stdout=open(os.path.join(st.dir, name + ".out"), "w"),
                         stderr=subprocess.STDOUT, env=st.environ(), cwd=ROOT)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    secs = time.monotonic() - t0
    with open(os.path.join(st.dir, name + ".out"), errors="replace") as f:
        out = f.read()
    rep = {}
    try:
        with open(os.path.join(d, "report.json")) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        pass
    return p.returncode, out, d, rep, ru.ru_maxrss, secs


def rss_ok(name, rss, secs):
    desc = "%s: peak RSS %d KiB < 32 MiB (%.1f s)" % (name, rss, secs)
    if SANITIZED:
        t.skip(desc, "ASan build: shadow memory makes RSS meaningless")
    else:
        t.ok(rss < RSS_LIMIT_KIB, desc)


def check_of(rep, cid):
    return {c["id"]: c for c in rep.get("checks", [])}.get(cid, {})


try:
    st.wait_all_healthy()

    # ---------------------------------------------------------------- hostile body
    st.fault("hostile-body", "auth-service")
    code, out, d, rep, rss, secs = run("hostile", "--log-wait", "20")
    st.clear()
    # The hostile body still holds "Hello from Auth Service": the probe passes and
    # its body excerpt (the hostile bytes) goes into every report's evidence.
    t.eq(code, 0, "hostile-body: exit 0 (the body still says Hello from Auth Service)")
    t.eq(report_problems(d), [], "hostile-body: JUnit validates, JSON and HTML parse")
    t.eq(len(rep.get("checks", [])), 18, "hostile-body: the JSON report holds every check")
    ev = json.dumps(check_of(rep, PROBE))
    t.ok("<script>alert(1)</script>" in ev and "]]>" in ev,
         "hostile-body: the auth probe's evidence in JSON holds the hostile body", diag=ev[:1500])
    with open(os.path.join(d, "report.html"), "rb") as f:
        html = f.read().decode("utf-8", "replace")
    t.ok(re.search(r"<script", html, re.I) is None, "hostile-body: the HTML has no <script tag")
    t.ok("&lt;script&gt;alert(1)&lt;/script&gt;" in html,
         "hostile-body: the HTML shows the hostile body escaped")
    t.ok("\x1b" not in html and "\x00" not in html and "\x1b" not in out,
         "hostile-body: no raw ESC/NUL in the HTML or on the console")
    with open(os.path.join(d, "junit.xml"), "rb") as f:
        junit = f.read()
    t.ok(b"<script>" not in junit and b"\x1b" not in junit,
         "hostile-body: JUnit carries the body only escaped")

    # ---------------------------------------------------------------- huge, stalled, cut
    st.fault("huge-body", "auth-service")
    code, out, d, rep, rss, secs = run("huge", "--no-logs")
    st.clear()
    c = check_of(rep, PROBE)
    body = [x["value"] for x in c.get("details", []) if x["name"] == "body"]
    clen = [h["value"] for h in (c.get("probe") or {}).get("response_headers", [])
            if h["name"].lower() == "content-length"]
    rss_ok("huge-body (1 GiB)", rss, secs)
    t.ok(secs < 30, "huge-body: albcheck stops reading at its cap instead of taking 1 GiB")
    t.ok(body and "truncated" in body[0] and clen == ["1073741824"],
         "huge-body: the evidence says the body was truncated and shows its Content-Length",
         diag=(body, clen))
    t.eq(report_problems(d), [], "huge-body: reports written and parse")

    st.fault("stall-headers", "auth-service")
    code, out, d, rep, rss, secs = run("stall", "--no-logs")
    st.clear()
    msg = check_of(rep, PROBE).get("message", "")
    rss_ok("stall-headers", rss, secs)
    t.eq(code, 1, "stall-headers: exit 1")
    t.ok("timed out" in msg and "waiting for the response headers" in msg,
         "stall-headers: the probe says it timed out waiting for the headers", diag=msg)
    t.eq(report_problems(d), [], "stall-headers: reports written and parse")

    st.fault("close-mid-body", "auth-service")
    code, out, d, rep, rss, secs = run("cut", "--no-logs")
    st.clear()
    msg = check_of(rep, PROBE).get("message", "")
    rss_ok("close-mid-body", rss, secs)
    t.eq(code, 1, "close-mid-body: exit 1")
    t.ok("closed mid-body" in msg and "1000 bytes" in msg,
         "close-mid-body: the probe says the connection closed mid-body, after how much",
         diag=msg)
    t.eq(report_problems(d), [], "close-mid-body: reports written and parse")
finally:
    st.down()
sys.exit(t.done())
