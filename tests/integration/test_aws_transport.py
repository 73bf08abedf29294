#!/usr/bin/env python3
"""The AWS client's transport against a scripted loopback server.

Drives tests/tools/awscall (one aws_query_call / aws_json_call per run)
against tests/lib/scripted_server.py: throttling then success in both
protocols, 5xx, connection resets, a stall past the timeout, truncated XML,
malformed JSON, an oversized body, a proxy's HTML 502; checks attempt counts,
error messages (code, message, HTTP status, request id), exit statuses,
AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, connection reuse, what is sent, and that
-v traces never show a secret, token or signature.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from scripted_server import ScriptedServer
from tap import Tap

BUILDDIR = os.environ.get("BUILDDIR", os.path.abspath("build/debug"))
AWSCALL = os.path.join(BUILDDIR, "tests", "tools", "awscall")

SECRET = "sEcReT/k3y+VALUE0000000000000000000000000"
TOKEN = "T0KEN-session-value-zzzz"
KEY = "AKIDTRANSPORTTEST"

ELB_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
RULES_OK = (
    '<DescribeRulesResponse xmlns="%s"><DescribeRulesResult><Rules><member>'
    "<RuleArn>arn:rule/1</RuleArn><Priority>1</Priority></member></Rules>"
    "</DescribeRulesResult><ResponseMetadata><RequestId>ok-1</RequestId>"
    "</ResponseMetadata></DescribeRulesResponse>" % ELB_NS
)
XML_CT = {"Content-Type": "text/xml"}
JSON_CT = {"Content-Type": "application/x-amz-json-1.1"}


def throttle_xml(rid):
    return (
        "status",
        400,
        '<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>Throttling</Code>'
        "<Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>"
        % (ELB_NS, rid),
        XML_CT,
    )


def throttle_json(rid):
    return (
        "status",
        400,
        '{"__type":"ThrottlingException","message":"Rate exceeded"}',
        dict(JSON_CT, **{"x-amzn-RequestId": rid}),
    )


def run(args, env_extra=None, verbose=False):
    env = dict(os.environ)
    for k in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_SESSION_TOKEN"):
        env.pop(k, None)
    env.update({"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET})
    env.update(env_extra or {})
    cmd = [AWSCALL] + (["-v"] if verbose else []) + args
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    p.elapsed = time.monotonic() - t0
    info = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^(attempts|code|aws_code|request_id|status|sleeps): ?(.*)$", line)
        if m:
            info[m.group(1)] = m.group(2)
    p.info = info
    p.attempts = int(info.get("attempts", "-1"))
    p.error = ""
    for line in p.stderr.splitlines():
        if line.startswith("error: "):
            p.error = line[len("error: "):]
    return p


def main():
    t = Tap()
    if not os.access(AWSCALL, os.X_OK):
        t.ok(False, "awscall tool is built", diag="missing %s" % AWSCALL)
        return t.done()
    srv = ScriptedServer()
    url = srv.url
    try:
        # --- Query: throttled twice, then success ---------------------------
        srv.script([throttle_xml("r1"), throttle_xml("r2"), ("status", 200, RULES_OK, XML_CT)])
        p = run(["--no-sleep", url, "elbv2", "DescribeRules", "ListenerArn=arn:aws:x/y z"])
        t.eq(p.returncode, 0, "Query: throttled twice then success exits 0")
        t.eq(p.attempts, 3, "Query: three attempts")
        t.ok("<RuleArn>arn:rule/1</RuleArn>" in p.stdout, "Query: the answer is printed",
             diag=p.stdout)
        sleeps = [int(x) for x in p.info.get("sleeps", "").split(",") if x]
        t.ok(len(sleeps) == 2 and 0 <= sleeps[0] < 1000 and 0 <= sleeps[1] < 2000,
             "Query: two backoff sleeps within [0,1s) and [0,2s)", diag=sleeps)
        r = srv.requests[0]
        t.eq(r["body"], "Action=DescribeRules&Version=2015-12-01&ListenerArn=arn%3Aaws%3Ax%2Fy%20z",
             "Query: form body as sent")
        t.eq(r["headers"].get("content-type"), "application/x-www-form-urlencoded; charset=utf-8",
             "Query: content type")
        t.ok(r["headers"].get("authorization", "").startswith(
            "AWS4-HMAC-SHA256 Credential=%s/" % KEY) and "/us-east-1/elasticloadbalancing/aws4_request"
            in r["headers"].get("authorization", ""),
            "Query: signed with the ELBv2 signing name and the region",
            diag=r["headers"].get("authorization"))
        t.eq(r["headers"].get("host"), "127.0.0.1:%d" % srv.port, "Host header carries the port")
        t.ok(re.match(r"^\d{8}T\d{6}Z$", r["headers"].get("x-amz-date", "")), "X-Amz-Date sent")
        t.eq(len({q["port"] for q in srv.requests}), 1,
             "the three attempts reuse one connection")

        # --- Query: throttled every time ---------------------------------------
        srv.script([throttle_xml("r1"), throttle_xml("r2"), throttle_xml("r3")])
        p = run(["--no-sleep", url, "elbv2", "DescribeRules"])
        t.eq(p.returncode, 3, "Query: throttled throughout exits 3")
        t.eq(p.attempts, 3, "Query: gives up after 3 attempts (default)")
        t.eq(p.error, "DescribeRules: Throttling: Rate exceeded (HTTP 400, request id r3)",
             "Query: error line names operation, code, message, status, request id")
        t.eq((p.info.get("code"), p.info.get("aws_code"), p.info.get("request_id"),
              p.info.get("status")), ("aws", "Throttling", "r3", "400"),
             "Query: error fields")

        # --- JSON: throttled once, then success ----------------------------------
        srv.script([throttle_json("j1"), ("status", 200, '{"serviceArns":["arn:s/1"]}', JSON_CT)])
        p = run(["--no-sleep", url, "ecs", "ListServices", '{"cluster":"c1"}'])
        t.eq(p.returncode, 0, "JSON: throttled once then success exits 0")
        t.eq(p.attempts, 2, "JSON: two attempts")
        t.ok('{"serviceArns":["arn:s/1"]}' in p.stdout, "JSON: the answer is printed", diag=p.stdout)
        r = srv.requests[-1]
        t.eq(r["headers"].get("x-amz-target"), "AmazonEC2ContainerServiceV20141113.ListServices",
             "JSON: X-Amz-Target")
        t.eq(r["headers"].get("content-type"), "application/x-amz-json-1.1", "JSON: content type")
        t.eq(r["body"], '{"cluster":"c1"}', "JSON: body as given")
        t.ok("/us-east-1/ecs/aws4_request" in r["headers"].get("authorization", ""),
             "JSON: signed with the ECS signing name")

        srv.script([throttle_json("j1"), throttle_json("j2"), throttle_json("j3")])
        p = run(["--no-sleep", url, "logs", "FilterLogEvents", '{"logGroupName":"/ecs/a"}'])
        t.eq(p.error, "FilterLogEvents: ThrottlingException: Rate exceeded (HTTP 400, request id j3)",
             "JSON: error line with the header's request id")
        t.eq(srv.requests[-1]["headers"].get("x-amz-target"), "Logs_20140328.FilterLogEvents",
             "JSON: Logs target prefix")

        # --- JSON: empty answer, header-only error, XML error body -------------
        srv.script([("status", 200, "", JSON_CT)])
        p = run([url, "logs", "CreateLogGroup", '{"logGroupName":"g"}'])
        t.ok(p.returncode == 0 and p.stdout.startswith("{}"), "JSON: empty answer body is {}",
             diag=p.stdout + p.stderr)

        srv.script([("status", 400, "", {"X-Amzn-Errortype": "ValidationException:http://x/",
                                         "x-amzn-RequestId": "h1"})])
        p = run([url, "ecs", "DescribeServices"])
        t.eq(p.error, "DescribeServices: ValidationException (HTTP 400, request id h1)",
             "JSON: header-only error")
        t.eq(p.attempts, 1, "JSON: validation errors are not retried")

        srv.script([("status", 403,
                     '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Errors><Error>'
                     "<Code>SignatureDoesNotMatch</Code><Message>The request signature we "
                     "calculated does not match the signature you provided.</Message></Error>"
                     "</Errors><RequestId>x9</RequestId></ErrorResponse>",
                     {"Content-Type": "text/html"})])
        p = run([url, "ecs", "ListClusters"])
        t.eq(p.error, "ListClusters: SignatureDoesNotMatch: The request signature we calculated "
             "does not match the signature you provided. (HTTP 403, request id x9)",
             "JSON service answering with an XML error (moto) parses")
        t.eq((p.returncode, p.attempts, p.info.get("code")), (3, 1, "auth"),
             "auth failure: exit 3, one attempt, kind auth")

        # --- 5xx and AWS_MAX_ATTEMPTS / AWS_RETRY_MODE -------------------------------
        err500 = ("status", 500, '<ErrorResponse><Error><Code>InternalFailure</Code><Message>'
                  "oops</Message></Error><RequestId>i5</RequestId></ErrorResponse>", XML_CT)
        srv.script([err500])
        p = run(["--no-sleep", url, "elbv2", "DescribeTargetHealth"])
        t.eq((p.returncode, p.attempts), (3, 3), "500s: retried, 3 attempts, exit 3")
        t.eq(p.error, "DescribeTargetHealth: InternalFailure: oops (HTTP 500, request id i5)",
             "500s: error line")
        for n in ("1", "5"):
            srv.script([err500])
            p = run(["--no-sleep", url, "elbv2", "DescribeTargetHealth"],
                    {"AWS_MAX_ATTEMPTS": n})
            t.eq(p.attempts, int(n), "AWS_MAX_ATTEMPTS=%s gives %s attempts" % (n, n))
            t.eq(len(srv.requests), int(n), "AWS_MAX_ATTEMPTS=%s: server saw %s requests" % (n, n))
        srv.script([err500])
        p = run(["--no-sleep", url, "elbv2", "DescribeTargetHealth"], {"AWS_RETRY_MODE": "legacy"})
        t.eq(p.attempts, 5, "AWS_RETRY_MODE=legacy defaults to 5 attempts")
        p = run(["--no-sleep", url, "elbv2", "DescribeTargetHealth"], {"AWS_MAX_ATTEMPTS": "zero"})
        t.eq(p.returncode, 2, "an invalid AWS_MAX_ATTEMPTS is a usage error")
        srv.script([("status", 500, "x", {}), ("status", 200, RULES_OK, XML_CT)])
        p = run(url.split() + ["elbv2", "DescribeRules"])
        t.ok(p.returncode == 0 and p.attempts == 2 and p.elapsed < 5,
             "real backoff sleep (no test hook) stays under 1 s before attempt 2",
             diag="%s %s %.2f" % (p.returncode, p.attempts, p.elapsed))

        # --- HTML 502 from a proxy -------------------------------------------------
        html = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")
        srv.script([("status", 502, html, {"Content-Type": "text/html"})])
        p = run(["--no-sleep", url, "elbv2", "DescribeLoadBalancers"])
        t.eq((p.returncode, p.attempts), (3, 3), "HTML 502: retried as transient, exit 3")
        t.ok(p.error.startswith("DescribeLoadBalancers: HTTP 502 Bad Gateway, not an AWS answer "
                                "(text/html): <html> <head><title>502 Bad Gateway</title>"),
             "HTML 502: clear one-line message with status and excerpt", diag=p.error)

        # --- connection resets -------------------------------------------------------
        srv.script([("reset",), ("reset",), ("status", 200, RULES_OK, XML_CT)])
        p = run(["--no-sleep", url, "elbv2", "DescribeRules"])
        t.eq((p.returncode, p.attempts), (0, 3), "reset twice then success: 3 attempts, exit 0")
        srv.script([("reset",)])
        p = run(["--no-sleep", url, "elbv2", "DescribeRules"])
        t.ok(p.returncode == 3 and p.attempts == 3 and p.info.get("code") == "network"
             and re.search(r"^DescribeRules: http://127\.0\.0\.1:\d+/: connection (reset|closed)",
                           p.error),
             "reset every time: network error naming operation and endpoint, 3 attempts",
             diag="%s %s %r" % (p.returncode, p.attempts, p.error))

        # --- refused ---------------------------------------------------------------------
        p = run(["--no-sleep", "http://127.0.0.1:1/", "sts", "GetCallerIdentity"])
        t.eq(p.error, "GetCallerIdentity: http://127.0.0.1:1/: connection refused",
             "refused: names operation and endpoint")
        t.eq((p.returncode, p.attempts), (3, 3), "refused: retried, exit 3")

        # --- stall past the timeout -----------------------------------------------------
        srv.script([("stall", 2.0, ("status", 200, RULES_OK, XML_CT))])
        p = run(["--no-sleep", "--timeout-ms", "300", "--max-attempts", "2", url, "elbv2",
                 "DescribeRules"])
        t.eq(p.error, "DescribeRules: %s: timed out after 300 ms waiting for the answer" % url,
             "stall: timeout message with the limit")
        t.ok(p.returncode == 3 and p.attempts == 2 and p.elapsed < 1.8,
             "stall: 2 attempts, each cut at the timeout",
             diag="%s %s %.2f" % (p.returncode, p.attempts, p.elapsed))

        # --- truncated / malformed answers --------------------------------------------
        srv.script([("status", 200, RULES_OK[: len(RULES_OK) // 2], XML_CT)])
        p = run([url, "elbv2", "DescribeRules"])
        t.ok(p.returncode == 3 and p.attempts == 1 and p.info.get("code") == "parse"
             and p.error.startswith("DescribeRules: malformed XML answer"),
             "truncated XML: parse error naming the operation, not retried",
             diag="%s %s %r" % (p.returncode, p.attempts, p.error))
        srv.script([("status", 200, '{"serviceArns":["a",', JSON_CT)])
        p = run([url, "ecs", "ListServices"])
        t.ok(p.returncode == 3 and p.info.get("code") == "parse"
             and p.error.startswith("ListServices: malformed JSON answer"),
             "malformed JSON: parse error naming the operation", diag=p.error)

        # --- oversized bodies ----------------------------------------------------------------
        big = "<DescribeRulesResponse>" + "x" * 5000 + "</DescribeRulesResponse>"
        for kind in ("status", "chunked"):
            srv.script([(kind, 200, big, XML_CT)])
            p = run(["--max-bytes", "1000", url, "elbv2", "DescribeRules"])
            t.ok(p.returncode == 3 and p.info.get("code") == "limit" and p.attempts == 1
                 and "DescribeRules: the answer from %s is larger than the 1000-byte limit" % url
                 == p.error,
                 "oversized body (%s): limit error, no crash, not retried" % (
                     "Content-Length" if kind == "status" else "chunked"),
                 diag="%s %r" % (p.returncode, p.error))

        # --- an endpoint with a path; concurrent calls on one client -------------------
        srv.script([("status", 200, RULES_OK, XML_CT)])
        p = run([url + "elb/api", "elbv2", "DescribeRules"])
        t.ok(p.returncode == 0 and srv.requests[0]["path"] == "/elb/api",
             "an endpoint path is posted to", diag=[r["path"] for r in srv.requests])
        srv.script([("stall", 0.2, ("status", 200, "{}", JSON_CT))])
        p = run(["--threads", "8", url, "ecs", "ListClusters"])
        t.ok(p.returncode == 0 and "calls: 8/8" in p.stdout and "attempts: 8" in p.stdout
             and "stat: ECS.ListClusters calls=8 attempts=8 failures=0" in p.stdout
             and len(srv.requests) == 8,
             "8 concurrent calls on one client all succeed and are counted",
             diag=p.stdout + p.stderr)
        srv.script([throttle_json("c1"), ("status", 200, "{}", JSON_CT)])
        p = run(["--threads", "6", "--no-sleep", url, "ecs", "ListClusters"])
        t.ok(p.returncode == 0 and "calls: 6/6" in p.stdout and "attempts: 7" in p.stdout,
             "concurrent calls: one throttled attempt is retried, 7 attempts in all",
             diag=p.stdout + p.stderr)

        # --- -v trace never shows secrets ---------------------------------------------------
        srv.script([throttle_xml("v1"), ("status", 200, RULES_OK, XML_CT)])
        p = run(["--no-sleep", url, "elbv2", "DescribeRules"], {"AWS_SESSION_TOKEN": TOKEN},
                verbose=True)
        auth = srv.requests[0]["headers"].get("authorization", "")
        sig = auth.rsplit("Signature=", 1)[-1]
        t.eq(srv.requests[0]["headers"].get("x-amz-security-token"), TOKEN,
             "session token is sent as X-Amz-Security-Token")
        lines = [l for l in p.stderr.splitlines() if "ELBv2.DescribeRules" in l]
        t.ok(len(lines) == 2 and "HTTP 400 Throttling" in lines[0] and "attempt 1/3" in lines[0]
             and "retrying in" in lines[0] and "HTTP 200" in lines[1] and url in lines[1]
             and re.search(r"\d+ ms", lines[1]),
             "-v: one trace line per attempt with operation, endpoint, status, attempt, duration",
             diag=p.stderr)
        leaked = [s for s in (SECRET, TOKEN, sig, "Signature=", "Authorization", KEY) if s and s in p.stderr + p.stdout]
        t.ok(len(sig) == 64 and not leaked, "-v: no secret, token, key or signature in the output",
             diag=leaked)
        tls_cases(t)
    finally:
        srv.stop()
    return t.done()


def tls_cases(t):
    """TLS is verified by default; --ca-file trusts a bundle; --insecure skips checks."""
    if not shutil.which("openssl"):
        t.skip("TLS verification", "the openssl command is not installed")
        return
    with tempfile.TemporaryDirectory() as d:
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        tls = ScriptedServer(cert, key)
        try:
            tls.script([("status", 200, RULES_OK, XML_CT)])
            p = run(["--no-sleep", tls.url, "elbv2", "DescribeRules"])
            t.ok(p.returncode == 3 and p.info.get("code") == "network" and "TLS" in p.error
                 and p.attempts == 1,
                 "https with an untrusted certificate is refused by default, not retried",
                 diag="%s %s %r" % (p.returncode, p.attempts, p.error))
            p = run(["--ca-file", cert, tls.url, "elbv2", "DescribeRules"])
            t.ok(p.returncode == 0 and "<RuleArn>" in p.stdout,
                 "https verified against --ca-file succeeds", diag=p.stderr)
            p = run(["--insecure", tls.url, "elbv2", "DescribeRules"])
            t.eq(p.returncode, 0, "https with verification off (--insecure) succeeds")
        finally:
            tls.stop()


if __name__ == "__main__":
    sys.exit(main())
