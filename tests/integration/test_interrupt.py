#!/usr/bin/env python3
"""SIGINT and --deadline during log correlation leave complete reports (issue 7).

One stack; `log-delay 60` holds every log line back so the run sits in log
correlation.  (1) SIGINT once the -v trace shows the first FilterLogEvents
call; (2) --deadline 3.  Each time: a non-zero exit soon after, junit.xml
validates against $SHARED/junit/junit-10.xsd (when present), report.json and
report.html parse, every check of the suite is in the JSON report, the log
checks that could not finish are skipped with a reason naming the interruption,
and the checks that did finish (alb, route, health, ecs, probe) keep their
results.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

from tap import Tap
from albstack import LocalStack, ROOT, ALBCHECK
from reportcheck import report_problems, have_xsd

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
if not have_xsd():
    t.skip("JUnit validates against junit-10.xsd", "$SHARED/junit/junit-10.xsd not available")


def start(name, *extra):
    d = os.path.join(st.dir, name)
    p = subprocess.Popen([ALBCHECK, "run", SUITE, "-v", "--log-wait", "60", "--report-dir", d]
                         + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=st.environ(), cwd=ROOT)
    return p, d


def check(name, p, d, secs, limit, reason_words):
    t.ok(p.returncode not in (0, None), "%s: non-zero exit (%s)" % (name, p.returncode))
    t.ok(secs < limit, "%s: ends soon after (%.1f s < %d s)" % (name, secs, limit))
    t.eq(report_problems(d), [], "%s: junit.xml validates, report.json and report.html parse" % name)
    try:
        with open(os.path.join(d, "report.json")) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        rep = {"checks": []}
    checks = rep.get("checks", [])
    t.eq(len(checks), 18, "%s: every check of the suite is in the report" % name)
    logs = [c for c in checks if c["kind"] == "logs"]
    t.ok(len(logs) == 3 and all(c["status"] == "skip" and
                                all(w in (c.get("message") or "") for w in reason_words)
                                for c in logs),
         "%s: unfinished log checks are skipped, saying %s" % (name, reason_words),
         diag=[(c["id"], c["status"], c.get("message")) for c in logs])
    done = [c for c in checks if c["kind"] != "logs"]
    t.ok(done and all(c["status"] == "pass" for c in done),
         "%s: the checks that finished keep their results (%d pass)" % (name, len(done)),
         diag=[(c["id"], c["status"], c.get("message")) for c in done if c["status"] != "pass"])
    with open(os.path.join(d, "junit.xml")) as f:
        junit = f.read()
    t.ok("<skipped" in junit, "%s: JUnit marks the unfinished checks skipped" % name)


try:
    st.wait_all_healthy()
    st.fault("log-delay", "60")

    # ---------------------------------------------------------------- SIGINT
    p, d = start("sigint")
    seen = threading.Event()
    err_lines = []

    def reader():
        for line in p.stderr:
            err_lines.append(line)
            if "FilterLogEvents" in line:
                seen.set()

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    got = seen.wait(30)
    t.ok(got, "SIGINT: the run reaches log correlation", diag="".join(err_lines[-20:]))
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        out = p.stdout.read()
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        out = ""
    th.join(5)
    secs = time.monotonic() - t0
    check("SIGINT", p, d, secs, 10, ["interrupted", "SIGINT"])
    t.ok("interrupted" in out + "".join(err_lines), "SIGINT: the console says the run was interrupted")

    # ---------------------------------------------------------------- --deadline
    t0 = time.monotonic()
    p, d = start("deadline", "--deadline", "3")
    out, err = p.communicate(timeout=60)
    secs = time.monotonic() - t0
    check("--deadline 3", p, d, secs, 10, ["deadline of 3 s reached"])
    t.ok("deadline" in out + err, "--deadline 3: the console names the deadline")
finally:
    st.down()
sys.exit(t.done())
