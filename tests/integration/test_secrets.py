#!/usr/bin/env python3
"""No credential ever reaches albcheck's output (issue 7).

One stack (moto accepts any key while signature checking is off).  Every
subcommand (whoami, discover, validate, run; with --json where it exists) runs
at verbosity 0, -v and -vv with a recognisable secret key and session token,
plus error paths (wrong endpoint, bad suite, an unreachable run).  All of
stdout, stderr and every file in the report directories is searched for the
secret, the token, a SigV4 signature (Signature=<hex>) and an Authorization
header value (AWS4-HMAC-SHA256 Credential=): never found.

Then a run whose probes carry credentials (Authorization, X-Api-Key, Cookie
request headers from the suite) is sent with --connect-to to a loopback server
that answers with a Set-Cookie: none of those values is in the console or the
reports, and the report's evidence shows Set-Cookie as "(redacted)".
"""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

from tap import Tap
from albstack import LocalStack, ROOT, ALBCHECK

t = Tap()
SUITE = os.path.join(ROOT, "checks", "microservices.json")
SECRET = "SECRETxyzQ9v7LmN3pR5tW8yB1dF4hJ6kZ0aC2eG"
TOKEN = "TOKENabcK8s2Xq4Vn6Tm9Rp1Lw3Hj5Fd7Bz0Gc"
COOKIE = "COOKIEsecretB7d9F1h3"
HDR = ["HDRauthSecret4x8Z", "APIKEYsecret2Q6W", "REQCOOKIEsecret5E"]
PATTERNS = [(SECRET, re.escape(SECRET)), (TOKEN, re.escape(TOKEN)),
            ("part of the secret", re.escape(SECRET[6:22])), ("part of the token", re.escape(TOKEN[5:21])),
            ("a SigV4 signature", r"Signature=[0-9a-f]{8}"),
            ("an Authorization value", r"AWS4-HMAC-SHA256 Credential="),
            ("an Authorization header value", r'(?i)authorization(?::[ \t]*|",\s*"value":\s*")(?!\(redacted\))\S')]

if not os.path.exists("/usr/sbin/nginx"):
    t.ok(False, "nginx is installed (make deps installs it)")
    sys.exit(t.done())
try:
    st = LocalStack()
except Exception as e:  # noqa: BLE001
    t.ok(False, "the local stack comes up", diag=str(e))
    sys.exit(t.done())
t.ok(True, "the local stack comes up (%.1f s)" % st.up_seconds)

ENV = {"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN}
tmp = tempfile.mkdtemp(prefix="secrets-", dir=st.dir)
N = [0]


def albcheck(args, env=None):
    """Run albcheck; returns (exit, all text it produced incl. report files, report dir)."""
    N[0] += 1
    d = os.path.join(tmp, "rep%d" % N[0])
    args = [a.replace("@REPORTS@", d) for a in args]
    p = subprocess.run([ALBCHECK] + args, capture_output=True, text=True, errors="replace",
                       env=st.environ(dict(ENV, **(env or {}))), timeout=180, cwd=ROOT)
    texts = [("stdout", p.stdout), ("stderr", p.stderr)]
    for root, _, files in os.walk(d):
        for n in files:
            with open(os.path.join(root, n), errors="replace") as f:
                texts.append((os.path.relpath(os.path.join(root, n), tmp), f.read()))
    return p.returncode, texts, d


def leaks(texts, patterns):
    found = []
    for where, text in texts:
        for what, rx in patterns:
            m = re.search(rx, text)
            if m:
                found.append("%s in %s: ...%s..." % (what, where,
                                                     text[max(0, m.start() - 80):m.end() + 40]))
    return found


bad_suite = os.path.join(tmp, "bad.json")
with open(bad_suite, "w") as f:
    f.write('{"name": "bad", "services": [ {"name": 1,, ] }')

try:
    st.wait_all_healthy()
    cases = []
    for v in ([], ["-v"], ["-vv"]):
        cases += [
            (v + ["whoami"], 0), (v + ["whoami", "--json"], 0),
            (v + ["discover", "--alb", "MicroservicesALB"], 0),
            (v + ["discover", "--alb", "MicroservicesALB", "--json"], 0),
            (v + ["validate", SUITE], 0), (v + ["validate", "--json", SUITE], 0),
            (v + ["run", SUITE, "--log-wait", "20", "--report-dir", "@REPORTS@"], 0),
            (v + ["run", SUITE, "--log-wait", "20", "--json", "-"], 0),
            # error paths
            (v + ["--endpoint-url", "http://127.0.0.1:9", "whoami"], 3),
            (v + ["--endpoint-url", "http://127.0.0.1:9", "run", SUITE, "--report-dir",
                  "@REPORTS@"], 3),
            (v + ["validate", bad_suite], 2),
            (v + ["run", bad_suite, "--report-dir", "@REPORTS@"], 2),
        ]
    n_texts = 0
    for args, want in cases:
        code, texts, _ = albcheck(args)
        n_texts += len(texts)
        label = " ".join(a if a != SUITE else "SUITE" for a in args).replace(tmp + "/", "")
        found = leaks(texts, PATTERNS)
        t.ok(code == want and not found, "%s: exit %d, no secret in %d outputs" %
             (label, want, len(texts)),
             diag="exit %d\n%s" % (code, "\n".join(found) or texts[1][1][-1500:]))
    t.ok(n_texts > 3 * 2 * len(cases) // 3, "the search covered %d outputs and report files" % n_texts)

    # the -vv trace did say something about signing/calls (so the search had material)
    code, texts, _ = albcheck(["-vv", "whoami"])
    t.ok("GetCallerIdentity" in texts[1][1], "-vv traces the calls it makes",
         diag=texts[1][1][-800:])

    # ------------------------------------------------ credentials in probes, Set-Cookie
    seen_headers = []

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen_headers.append(dict(self.headers))
            body = b"Hello from Auth Service"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Set-Cookie", "session=%s; Path=/; HttpOnly" % COOKIE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with open(SUITE) as f:
            suite = json.load(f)
        for svc in suite["services"]:
            for pr in svc["probes"]:
                pr["headers"] = {"Authorization": "Bearer " + HDR[0], "X-Api-Key": HDR[1],
                                 "Cookie": "sid=" + HDR[2]}
        sp = os.path.join(tmp, "creds-suite.json")
        with open(sp, "w") as f:
            json.dump(suite, f)
        ct = "%s:80:127.0.0.1:%d" % (st.env["ALB_DNS_NAME"], srv.server_port)
        code, texts, d = albcheck(["-vv", "run", sp, "--no-logs", "--report-dir", "@REPORTS@",
                                   "--connect-to", ct], env={"ALBCHECK_CONNECT_TO": ""})
    finally:
        srv.shutdown()
        srv.server_close()
    t.ok(any(h.get("Authorization") == "Bearer " + HDR[0] for h in seen_headers),
         "the probes carried the suite's Authorization header to the server",
         diag=seen_headers[:1])
    found = leaks(texts, [(h, re.escape(h)) for h in HDR] + [(COOKIE, re.escape(COOKIE))] + PATTERNS)
    t.ok(not found, "request credentials and the Set-Cookie value appear nowhere (%d outputs)"
         % len(texts), diag="\n".join(found))
    rep = {}
    try:
        with open(os.path.join(d, "report.json")) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        pass
    cookies = [h["value"] for c in rep.get("checks", [])
               for h in (c.get("probe") or {}).get("response_headers", [])
               if h["name"].lower() == "set-cookie"]
    t.ok(len(cookies) >= 3 and all(v == "(redacted)" for v in cookies),
         "the report's evidence shows each probe's Set-Cookie as (redacted)", diag=cookies)
    reqh = [h["value"] for c in rep.get("checks", [])
            for h in (c.get("probe") or {}).get("request_headers", [])
            if h["name"].lower() in ("authorization", "x-api-key", "cookie")]
    t.ok(len(reqh) == 9 and all(v == "(redacted)" for v in reqh),
         "request headers carrying credentials are redacted in the evidence", diag=reqh)
finally:
    st.down()
sys.exit(t.done())
