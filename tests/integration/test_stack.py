#!/usr/bin/env python3
"""Integration test of the local stack (tests/stack), through the AWS CLI and curl only.

Brings up its own stack in a temporary run directory, shows that the AWS APIs and the
data plane answer as AWS would for the seed stack (rules, target groups, healthy
targets, complete ECS services, routing, the ALB's own 404, access lines in
CloudWatch Logs in the awslogs stream naming), that every fault does what it says
and that `clear` undoes it, and that `stackctl down` leaves no process behind.
Prints TAP (tests/lib/tap.py); exits non-zero on any failure.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import stack  # noqa: E402
from tap import Tap  # noqa: E402

t = Tap()
RUN = "albcheck-%s" % uuid.uuid4().hex[:8]
E = {}          # the stack's env
N = [0]


def token():
    N[0] += 1
    return "%s-%d" % (RUN, N[0])


def aws(*args, env_extra=None, timeout=60, check=True):
    """Run the AWS CLI against the stack; JSON output parsed. Returns (rc, obj-or-stderr)."""
    env = dict(os.environ)
    env.update(E)
    env.update(env_extra or {})
    env.pop("AWS_PROFILE", None)
    p = subprocess.run(["aws", "--endpoint-url", E["AWS_ENDPOINT_URL"], "--output", "json"] + list(args),
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if p.returncode != 0:
        if check:
            raise RuntimeError("aws %s: %s" % (" ".join(args), p.stderr.strip()))
        return p.returncode, p.stderr
    return 0, (json.loads(p.stdout) if p.stdout.strip() else {})


def a(*args, **kw):
    return aws(*args, **kw)[1]


def curl(path, headers=(), max_time=10, method="GET", host=None):
    """curl through the ALB (nginx) with --connect-to; returns (rc, status, headers dict, body bytes, secs)."""
    argv = ["curl", "-s", "-i", "--max-time", str(max_time), "--connect-to", E["ALBCHECK_CONNECT_TO"],
            "-X", method, "-w", "\n%{time_total}"]
    for h in headers:
        argv += ["-H", h]
    if host:
        argv += ["-H", "Host: " + host]
    argv.append("http://%s%s" % (E["ALB_DNS_NAME"], path))
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=max_time + 10)
    out = p.stdout
    body, _, secs = out.rpartition(b"\n")
    head, _, body = body.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    try:
        secs = float(secs)
    except ValueError:
        secs = -1.0
    return p.returncode, status, hdrs, body, secs


ARN = {}         # names -> ARNs, looked up once (every aws call costs ~1 s of CLI start-up)


def arns():
    if not ARN:
        for g in a("elbv2", "describe-target-groups")["TargetGroups"]:
            ARN[g["TargetGroupName"]] = g["TargetGroupArn"]
            ARN[g["TargetGroupArn"]] = g["TargetGroupName"]
        lb = a("elbv2", "describe-load-balancers", "--names", "MicroservicesALB")["LoadBalancers"][0]
        ARN["lb"] = lb
        ARN["listener"] = a("elbv2", "describe-listeners", "--load-balancer-arn",
                            lb["LoadBalancerArn"])["Listeners"][0]
    return ARN


def tg_arn(name):
    return arns()[name]


def health(name):
    return [(d["Target"]["Id"], d["TargetHealth"]["State"], d["TargetHealth"].get("Reason"))
            for d in a("elbv2", "describe-target-health", "--target-group-arn", tg_arn(name))[
                "TargetHealthDescriptions"]]


def services(*names):
    got = a("ecs", "describe-services", "--cluster", "MicroservicesCluster", "--services", *names)["services"]
    return {s["serviceName"]: s for s in got}


def find_log(group, tok, wait_s=10.0, first_wait=0.0):
    """Poll FilterLogEvents with the quoted token; the events found (maybe [])."""
    time.sleep(first_wait)
    end = time.monotonic() + wait_s
    while True:
        evs = a("logs", "filter-log-events", "--log-group-name", group,
                "--filter-pattern", '"%s"' % tok)["events"]
        evs = [e for e in evs if tok in e["message"]]
        if evs or time.monotonic() >= end:
            return evs
        time.sleep(0.5)


def rules():
    li = arns()["listener"]
    return li, a("elbv2", "describe-rules", "--listener-arn", li["ListenerArn"])["Rules"]


def rule_map():
    out = {}
    for r in rules()[1]:
        if r["IsDefault"]:
            continue
        vals = []
        for c in r["Conditions"]:
            vals += (c.get("PathPatternConfig") or {}).get("Values") or c.get("Values") or []
        out[r["Priority"]] = (tuple(vals), arns().get(r["Actions"][0].get("TargetGroupArn")))
    return out


SEED_RULES = {"10": (("/auth", "/auth/*"), "auth-tg"), "20": (("/orders", "/orders/*"), "order-tg"),
              "30": (("/products", "/products/*"), "product-tg")}


def healthy_stack():
    """Everything the healthy seed stack must show; returns a list of problems."""
    bad = []
    for tg in ("auth-tg", "order-tg", "product-tg"):
        h = health(tg)
        if len(h) != 2 or any(s != "healthy" for _, s, _ in h):
            bad.append("%s health %s" % (tg, h))
    svcs = services("auth-service", "order-service", "product-service")
    for name, s in sorted(svcs.items()):
        deps = s["deployments"]
        if s["runningCount"] != s["desiredCount"] or s["desiredCount"] != 2 or len(deps) != 1 or \
                deps[0]["status"] != "PRIMARY" or deps[0]["rolloutState"] != "COMPLETED":
            bad.append("%s running %s/%s deployments %s" % (
                name, s["runningCount"], s["desiredCount"],
                [(d["status"], d.get("rolloutState")) for d in deps]))
    rm = rule_map()
    if rm != SEED_RULES:
        bad.append("rules %s" % rm)
    return bad + routes_ok()


def check(desc, fn):
    """A case whose function returns a list of problems (empty = ok) or raises."""
    try:
        bad = fn()
    except Exception as e:  # noqa: BLE001 - a case must never abort the script
        return t.ok(False, desc, diag="%s: %s" % (type(e).__name__, e))
    return t.ok(not bad, desc, diag="\n".join(map(str, bad or [])))


def faulted(name, *args):
    try:
        msg = stack.fault(name, *args, run_dir=RUN_DIR)
        t.diag(msg)
        return True
    except Exception as e:  # noqa: BLE001
        t.ok(False, "fault %s %s" % (name, " ".join(args)), diag=str(e))
        return False


def routes_ok():
    bad = []
    for path, want in (("/auth/login", b"Hello from Auth Service! Path: /auth/login"),
                       ("/orders/123", b"Hello from Order Service! Path: /orders/123"),
                       ("/products/item/abc", b"Hello from Product Service! Path: /products/item/abc")):
        rc, st, _, body, secs = curl(path)
        if secs >= 0.8:  # a loaded machine, or still slow? the slow fault is slow every time
            secs = min(secs, curl(path)[4])
        if st != 200 or body != want or secs >= 0.8:
            bad.append("%s -> %s %r in %.2fs" % (path, st, body[:80], secs))
    return bad


def cleared(what="the healthy stack", verify=healthy_stack):
    """`fault clear`, then verify (each aws call costs ~1 s: data-plane faults are verified by curl)."""
    t0 = time.monotonic()
    try:
        stack.clear(run_dir=RUN_DIR)
    except Exception as e:  # noqa: BLE001
        return t.ok(False, "fault clear", diag=str(e))
    return check("clear restores %s (%.1fs)" % (what, time.monotonic() - t0), verify)


# ----------------------------------------------------------------------------- up
if not os.access("/usr/sbin/nginx", os.X_OK):
    t.ok(False, "nginx is installed", diag="install it: apt-get install nginx (make deps does)")
    sys.exit(t.done())
for tool in ("aws", "curl"):
    if shutil.which(tool) is None:
        t.ok(False, "%s is installed" % tool)
        sys.exit(t.done())

PIDS = []
TMP = tempfile.mkdtemp(prefix="albcheck-stack-test-")
RUN_DIR = os.path.join(TMP, "run")
t0 = time.monotonic()
try:
    E.update(stack.up(RUN_DIR, tasks=2))
    UP_S = time.monotonic() - t0
    t.ok(True, "stackctl up in %.1fs (limit 20s)" % UP_S)
    load = os.getloadavg()[0]
    if UP_S >= 20 and load > (os.cpu_count() or 1):
        t.skip("stackctl up takes under 20 s", "took %.1fs with the machine loaded (load %.1f on %d cores)" % (
            UP_S, load, os.cpu_count() or 1))
    else:
        t.ok(UP_S < 20, "stackctl up takes under 20 s")
except Exception as e:  # noqa: BLE001
    t.ok(False, "stackctl up", diag=str(e))
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(t.done())

try:
    STATUS0 = stack.status(RUN_DIR)
    PIDS = [STATUS0["pid"]] + STATUS0["child_pids"]
    t.diag("daemon pid %d, %d child processes" % (STATUS0["pid"], len(STATUS0["child_pids"])))

    check("env file has every export", lambda: [k for k in (
        "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "ALB_DNS_NAME",
        "ALBCHECK_CONNECT_TO", "STACK_CONTROL_URL") if not E.get(k)] + (
        [] if E["ALBCHECK_CONNECT_TO"].startswith(E["ALB_DNS_NAME"] + ":80:127.0.0.1:") else ["connect-to"]))
    t.ok(stack.up(RUN_DIR) == E, "stackctl up again: already up, same env")

    def _lb():
        lb = arns()["lb"]
        bad = []
        if lb["Scheme"] != "internet-facing" or lb["State"]["Code"] != "active" or lb["Type"] != "application":
            bad.append(lb)
        if lb["DNSName"] != E["ALB_DNS_NAME"]:
            bad.append("dns %s" % lb["DNSName"])
        li, rs = rules()
        if li["Protocol"] != "HTTP" or li["Port"] != 80:
            bad.append(li)
        dflt = [r for r in rs if r["IsDefault"]][0]["Actions"][0]
        if dflt["Type"] != "fixed-response" or dflt["FixedResponseConfig"]["StatusCode"] != "404":
            bad.append(dflt)
        return bad
    check("MicroservicesALB active, internet-facing, HTTP:80 listener, default fixed 404", _lb)
    def _tgs():
        bad = []
        for g in a("elbv2", "describe-target-groups")["TargetGroups"]:
            if (g["TargetType"], g["Port"], g["Protocol"], g["HealthCheckPath"]) != ("ip", 5000, "HTTP", "/health"):
                bad.append(g)
        return bad
    check("target groups are ip, HTTP:5000, health check /health", _tgs)
    check("the healthy stack: three path rules (/auth, /orders, /products) to their groups, all targets "
          "healthy, services complete (running = desired, one PRIMARY deployment COMPLETED), routes answer",
          healthy_stack)

    def _ecs():
        bad = []
        svcs = services("auth-service", "order-service", "product-service")
        for name, tg, cn in (("auth-service", "auth-tg", "auth-container"),
                             ("order-service", "order-tg", "order-container"),
                             ("product-service", "product-tg", "product-container")):
            s = svcs[name]
            lbs = s["loadBalancers"]
            if lbs != [{"targetGroupArn": tg_arn(tg), "containerName": cn, "containerPort": 5000}]:
                bad.append("%s loadBalancers %s" % (name, lbs))
            if name == "auth-service":
                td = a("ecs", "describe-task-definition", "--task-definition", s["taskDefinition"])["taskDefinition"]
                lc = td["containerDefinitions"][0]["logConfiguration"]
                if (td["cpu"], td["memory"], td["networkMode"], td["requiresCompatibilities"],
                        lc["options"]["awslogs-group"], lc["options"]["awslogs-stream-prefix"]) != (
                            "256", "512", "awsvpc", ["FARGATE"], "/ecs/" + name, "ecs"):
                    bad.append("%s task definition %s" % (name, td))
            task_arns = a("ecs", "list-tasks", "--cluster", "MicroservicesCluster", "--service-name", name)["taskArns"]
            tasks = a("ecs", "describe-tasks", "--cluster", "MicroservicesCluster", "--tasks", *task_arns)["tasks"]
            ips = sorted(d["value"] for tk in tasks for at in tk["attachments"] for d in at["details"]
                         if d["name"] == "privateIPv4Address")
            if len(tasks) != 2 or any(tk["lastStatus"] != "RUNNING" or tk["group"] != "service:" + name
                                      for tk in tasks):
                bad.append("%s tasks %s" % (name, [(tk["lastStatus"], tk["group"]) for tk in tasks]))
            if ips != sorted(i for i, _, _ in health(tg)):
                bad.append("%s task IPs %s != targets %s" % (name, ips, health(tg)))
        return bad
    check("ECS: loadBalancers wiring, Fargate task definitions with awslogs, tasks RUNNING at the target IPs", _ecs)

    def _routes():
        bad = []
        rc, st, h, body, _ = curl("/auth/login")
        if st != 200 or body != b"Hello from Auth Service! Path: /auth/login":
            bad.append("/auth/login %s %r" % (st, body))
        rc, st, h, body, _ = curl("/nope")
        if st != 404 or h.get("server") != "awselb/2.0" or body != b"Not Found" or \
                not h.get("content-type", "").startswith("text/plain"):
            bad.append("/nope %s %s %r" % (st, h, body))
        rc, st, h, body, _ = curl("/AUTH/login")  # path patterns are case-sensitive
        if st != 404:
            bad.append("/AUTH/login %s" % st)
        rc, st, h, body, _ = curl("/auth")
        if st != 200:
            bad.append("/auth %s" % st)
        return bad
    check("curl --connect-to: /auth/login answered by auth, /nope by the ALB's 404 (Server: awselb/2.0)", _routes)

    def _logs():
        tok = token()
        trace = "Root=1-%08x-%s" % (int(time.time()), uuid.uuid4().hex[:24])
        curl("/auth/login?albcheck=%s" % tok, headers=["X-Request-Id: " + tok, "X-Amzn-Trace-Id: " + trace])
        evs = find_log("/ecs/auth-service", tok, first_wait=1.5)
        if len(evs) != 1:
            return ["token %s found %d times in /ecs/auth-service" % (tok, len(evs))]
        e = evs[0]
        bad = []
        m = re.match(r"^ecs/auth-container/([0-9a-f]{32})$", e["logStreamName"])
        task_arns = a("ecs", "list-tasks", "--cluster", "MicroservicesCluster", "--service-name",
                      "auth-service")["taskArns"]
        if not m or not any(arn.endswith("/" + m.group(1)) for arn in task_arns):
            bad.append("stream %s is not ecs/auth-container/<a running task id>" % e["logStreamName"])
        if '"GET /auth/login?albcheck=%s HTTP/1.1" 200 rid=%s ' % (tok, tok) not in e["message"]:
            bad.append("access line %r" % e["message"])
        if "trace=Self=1-" not in e["message"] or ";" + trace not in e["message"]:
            bad.append("trace id not kept/extended: %r" % e["message"])
        if find_log("/ecs/order-service", tok, wait_s=0):
            bad.append("token also in /ecs/order-service")
        return bad
    check("an access line with the query string reaches /ecs/auth-service in ecs/auth-container/<task-id>", _logs)

    # ------------------------------------------------------------------ faults, group 1
    if faulted("kill-task", "auth-service") and faulted("kill-all", "order-service") and \
            faulted("fail-health", "product-service"):
        def _g1():
            bad = []
            svcs = services("auth-service", "order-service", "product-service")
            s = svcs["auth-service"]
            if (s["runningCount"], s["desiredCount"]) != (1, 2):
                bad.append("auth running %s/%s" % (s["runningCount"], s["desiredCount"]))
            h = sorted(st for _, st, _ in health("auth-tg"))
            if h != ["draining", "healthy"]:
                bad.append("auth-tg %s" % h)
            stopped = a("ecs", "list-tasks", "--cluster", "MicroservicesCluster", "--service-name",
                        "auth-service", "--desired-status", "STOPPED")["taskArns"]
            tk = a("ecs", "describe-tasks", "--cluster", "MicroservicesCluster", "--tasks", *stopped)["tasks"]
            if not any(x["lastStatus"] == "STOPPED" and x.get("stopCode") == "EssentialContainerExited"
                       and x["containers"][0].get("exitCode") == 137 for x in tk):
                bad.append("no STOPPED auth task: %s" % [(x["lastStatus"], x.get("stoppedReason")) for x in tk])
            if curl("/auth/x")[1] != 200:
                bad.append("/auth/x no longer answered by the surviving task")
            s = svcs["order-service"]
            if s["runningCount"] != 0:
                bad.append("order running %s" % s["runningCount"])
            rc, st, h, body, _ = curl("/orders/1")
            if st != 503 or h.get("server") != "awselb/2.0" or b"503 Service Temporarily Unavailable" not in body:
                bad.append("/orders/1 with every order task dead: %s %s %r" % (st, h.get("server"), body[:60]))
            h = health("product-tg")
            if [x[1:] for x in h] != [("unhealthy", "Target.ResponseCodeMismatch")] * 2:
                bad.append("product-tg %s" % h)
            if svcs["product-service"]["runningCount"] != 2 or curl("/products/p")[1] != 200:
                bad.append("product-service stopped serving (fail-health must only fail health checks)")
            return bad
        check("kill-task: 1/2 running, a STOPPED task, a draining target; kill-all: 503 from the ALB; "
              "fail-health: unhealthy ResponseCodeMismatch, still serving", _g1)
    cleared()

    # ------------------------------------------------------------------ group 2
    if faulted("deregister", "auth-service") and faulted("misroute", "/orders", "auth-service") and \
            faulted("repoint-rule", "/products", "order-tg") and faulted("stall-deploy", "order-service"):
        def _g2():
            bad = []
            h = sorted(st for _, st, _ in health("auth-tg"))
            svcs = services("auth-service", "order-service")
            if h != ["draining", "healthy"] or svcs["auth-service"]["runningCount"] != 2:
                bad.append("deregister: auth-tg %s" % h)
            tok, tok2 = token(), token()
            rc, st, _, body, _ = curl("/orders/1?albcheck=" + tok)
            curl("/products/1?albcheck=" + tok2)
            if b"Order Service" in body or not find_log("/ecs/auth-service", tok, first_wait=1.5):
                bad.append("misroute: /orders answered %s %r, not by auth" % (st, body[:60]))
            rm = rule_map()
            if rm["20"] != SEED_RULES["20"]:
                bad.append("misroute changed the control plane: %s" % rm)
            if rm["30"] != (("/products", "/products/*"), "order-tg"):
                bad.append("repoint-rule: %s" % rm["30"])
            if not find_log("/ecs/order-service", tok2):
                bad.append("repoint-rule: /products did not reach order-service")
            s = svcs["order-service"]
            deps = [(d["status"], d["rolloutState"]) for d in s["deployments"]]
            if s["runningCount"] >= s["desiredCount"] or deps[0] != ("PRIMARY", "IN_PROGRESS"):
                bad.append("stall-deploy: running %s/%s %s" % (s["runningCount"], s["desiredCount"], deps))
            return bad
        check("deregister: a draining target, task running; misroute: data plane only; repoint-rule: "
              "control plane and data plane; stall-deploy: running < desired, IN_PROGRESS", _g2)
    cleared()

    # ------------------------------------------------------------------ group 3
    if faulted("body", "auth-service", "Goodbye from nobody") and faulted("slow", "order-service", "800") and \
            faulted("hostile-body", "product-service"):
        def _g3():
            bad = []
            rc, st, _, body, _ = curl("/auth/login")
            if (st, body) != (200, b"Goodbye from nobody"):
                bad.append("body: %s %r" % (st, body))
            rc, st, _, body, secs = curl("/orders/1")
            if st != 200 or secs < 0.8:
                bad.append("slow: %s in %.2fs" % (st, secs))
            rc, st, h, body, _ = curl("/products/1")
            for needle in (b"<script>alert(1)</script>", b"]]>", b"\x00", b"\x1b[", b"\xff\xfe"):
                if needle not in body:
                    bad.append("hostile-body lacks %r" % needle)
            try:
                body.decode("utf-8")
                bad.append("hostile-body is valid UTF-8")
            except UnicodeDecodeError:
                pass
            if not all(x[1] == "healthy" for x in health("product-tg")):
                bad.append("hostile-body made product-tg unhealthy")
            return bad
        check("body: answers TEXT; slow: +800 ms; hostile-body: <script>, ]]>, NUL, ESC, invalid UTF-8", _g3)
    cleared("the services' answers", routes_ok)

    # ------------------------------------------------------------------ group 4
    if faulted("huge-body", "auth-service") and faulted("stall-headers", "order-service") and \
            faulted("close-mid-body", "product-service"):
        def _g4():
            bad = []
            rc, st, h, body, _ = curl("/auth/x", max_time=1.5)
            if rc != 28 or st != 200 or h.get("content-length") != str(1 << 30) or len(body) < 1 << 18:
                bad.append("huge-body: rc %s status %s length %s got %d bytes" % (
                    rc, st, h.get("content-length"), len(body)))
            rc, st, h, body, _ = curl("/orders/x", max_time=3)
            if rc != 28 or st != 0:
                bad.append("stall-headers: rc %s status %s" % (rc, st))
            rc, st, h, body, _ = curl("/products/x", max_time=5)
            if rc != 18 or st != 200 or h.get("content-length") != "100000" or len(body) != 1000:
                bad.append("close-mid-body: rc %s status %s %s %d bytes" % (rc, st, h.get("content-length"), len(body)))
            return bad
        check("huge-body streams 1 GiB; stall-headers never ends its headers; close-mid-body closes after "
              "1000 of 100000 bytes", _g4)
    cleared("the services' answers", routes_ok)

    # ------------------------------------------------------------------ group 5: logs
    if faulted("log-delay", "5") and faulted("log-drop", "product-service"):
        def _g5():
            # judged by the events' own times (ingestionTime - timestamp), not by the
            # wall clock of AWS CLI calls, which a loaded machine stretches
            bad = []
            t1, t2 = token(), token()
            curl("/orders/1?albcheck=" + t1)
            curl("/products/1?albcheck=" + t2)
            evs = find_log("/ecs/order-service", t1, wait_s=15, first_wait=4.0)
            if not evs:
                bad.append("log-delay 5: line never delivered")
            elif not 4800 <= evs[0]["ingestionTime"] - evs[0]["timestamp"] <= 15000:
                bad.append("log-delay 5: delivered %d ms after it was written" % (
                    evs[0]["ingestionTime"] - evs[0]["timestamp"]))
            if find_log("/ecs/product-service", t2, wait_s=0):
                bad.append("log-drop: product line delivered")
            return bad
        check("log-delay 5: delivered after ~5 s, not before; log-drop: never delivered", _g5)

    def _logs_back():
        tok = token()
        curl("/products/1?albcheck=" + tok)
        evs = find_log("/ecs/product-service", tok, wait_s=5, first_wait=1.6)
        if not evs:
            return ["line not delivered"]
        lag = evs[0]["ingestionTime"] - evs[0]["timestamp"]
        return [] if 1000 <= lag <= 10000 else ["delivered %d ms after it was written (default 1.5 s)" % lag]
    cleared("log delivery (product-service, default delay)", _logs_back)

    # ------------------------------------------------------------------ group 6: AWS API faults
    STRICT = {"AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}
    if faulted("aws-throttle", "0.5"):
        def _thr():
            res = [aws("ecs", "list-clusters", env_extra=STRICT, check=False) for _ in range(2)]
            res += [aws("elbv2", "describe-load-balancers", env_extra=STRICT, check=False) for _ in range(2)]
            errs = [r[1] for r in res if r[0] != 0]
            bad = [] if [r[0] != 0 for r in res] == [False, True, False, True] else [
                "expected calls 2 and 4 of 4 to fail: %s" % [r[0] for r in res]]
            if not any("ThrottlingException" in e for e in errs) or not any("(Throttling)" in e for e in errs):
                bad.append("throttling errors: %s" % errs)
            return bad
        check("aws-throttle 0.5: every second call gets ThrottlingException (JSON) / Throttling (Query)", _thr)
    if faulted("aws-500", "1"):
        def _500():
            e1 = aws("elbv2", "describe-load-balancers", env_extra=STRICT, check=False)
            e2 = aws("ecs", "list-clusters", env_extra=STRICT, check=False)
            e3 = aws("logs", "describe-log-groups", env_extra=STRICT, check=False)
            bad = []
            if e1[0] == 0 or "InternalFailure" not in e1[1]:
                bad.append("elbv2: %s" % (e1,))
            if e2[0] == 0 or "ServerException" not in e2[1]:
                bad.append("ecs: %s" % (e2,))
            if e3[0] == 0 or "ServiceUnavailableException" not in e3[1]:
                bad.append("logs: %s" % (e3,))
            return bad
        check("aws-500 1: InternalFailure (Query), ServerException (ECS), ServiceUnavailableException (Logs)", _500)
    stack.clear(run_dir=RUN_DIR)
    if faulted("aws-stall", "1", "30"):
        def _stall():
            t1 = time.monotonic()
            rc, err = aws("--cli-read-timeout", "2", "elbv2", "describe-load-balancers",
                          env_extra=STRICT, check=False)
            took = time.monotonic() - t1
            return [] if rc != 0 and "timeout" in err.lower() and took < 30 else ["rc %s in %.1fs: %s" % (rc, took, err)]
        check("aws-stall 1: the call hangs until the client's read timeout", _stall)
    cleared()
    t.ok(not stack.status(RUN_DIR)["faults"], "no fault left active after clear")

    # ------------------------------------------------------------------ a second stack, another template
    ALT_DIR = os.path.join(TMP, "alt")
    ALT = os.path.join(os.path.dirname(HERE), "stack", "templates", "alt.yaml")
    seed_env = dict(E)
    try:
        t1 = time.monotonic()
        alt_env = stack.up(ALT_DIR, template=ALT, tasks=None)
        t.ok(True, "a second stack (templates/alt.yaml) up beside the first in %.1fs" % (time.monotonic() - t1))
        alt_st = stack.status(ALT_DIR)
        PIDS += [alt_st["pid"]] + alt_st["child_pids"]

        def _alt():
            bad = []
            if alt_env["STACK_NGINX_PORT"] == seed_env["STACK_NGINX_PORT"] or \
                    alt_st["loopback_block"] == STATUS0["loopback_block"]:
                bad.append("shares ports or addresses with the first stack")
            E.clear()
            E.update(alt_env)
            for path, host, method, want_status, want in (
                    ("/billing/invoice/7", None, "GET", 200, b"Hello from Billing Service! Path: /billing/invoice/7"),
                    ("/users/admin/x", None, "GET", 200, b"Hello from Users Service!"),     # shadowed rule
                    ("/anything", "Search.Shop.Example.com", "GET", 200, b"Hello from Search Service!"),
                    ("/catalog/1", None, "GET", 200, b"Hello from Catalog Service!"),
                    ("/catalog/1", None, "POST", 404, b'{"error":"no route"}'),            # method condition
                    ("/status", None, "GET", 200, b"ok"),
                    ("/nope", None, "GET", 404, b'{"error":"no route"}')):
                rc, st, h, body, _ = curl(path, method=method, host=host)
                if st != want_status or not body.startswith(want):
                    bad.append("%s %s (Host %s) -> %s %r" % (method, path, host, st, body[:60]))
            rc, st, h, body, _ = curl("/old-shop/x?a=1")
            if st != 301 or h.get("location") != "http://%s/catalog?a=1" % E["ALB_DNS_NAME"] or \
                    h.get("server") != "awselb/2.0":
                bad.append("redirect %s %s" % (st, h))
            tg = a("elbv2", "describe-target-groups", "--names", "catalog-legacy-tg")["TargetGroups"][0]
            th = a("elbv2", "describe-target-health", "--target-group-arn", tg["TargetGroupArn"])
            if [d["TargetHealth"]["State"] for d in th["TargetHealthDescriptions"]] != ["healthy"]:
                bad.append("catalog-legacy-tg (no rule reaches it) %s" % th)
            if bad:  # evidence for whoever reads the failure
                for name in ("stackd.log", "nginx/access.log"):
                    try:
                        with open(os.path.join(ALT_DIR, name), encoding="utf-8", errors="replace") as f:
                            bad.append("--- %s (tail)\n%s" % (name, "".join(f.readlines()[-25:])))
                    except OSError:
                        pass
            return bad
        check("alt stack: host-header (case-insensitive), shadowed rule, method condition, redirect, fixed "
              "responses, a healthy group no rule reaches; own ports and addresses", _alt)
    except Exception as e:  # noqa: BLE001
        t.ok(False, "alt stack", diag=str(e))
    finally:
        E.clear()
        E.update(seed_env)
        try:
            stack.down(ALT_DIR)
            t.ok(not os.path.exists(ALT_DIR), "alt stack down")
        except Exception as e:  # noqa: BLE001
            t.ok(False, "alt stack down", diag=str(e))
finally:
    # ------------------------------------------------------------------ down
    try:
        st = stack.status(RUN_DIR)
        PIDS = sorted(set(PIDS + [st["pid"]] + st["child_pids"]))
    except Exception:  # noqa: BLE001
        pass
    try:
        stack.down(RUN_DIR)
        t.ok(True, "stackctl down")
    except Exception as e:  # noqa: BLE001
        t.ok(False, "stackctl down", diag=str(e))
    time.sleep(0.2)
    alive = [p for p in PIDS if os.path.exists("/proc/%d" % p) and
             open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()[0] != "Z"]
    t.ok(not alive, "no process of the stack left (by pid: %d checked)" % len(PIDS), diag="alive: %s" % alive)
    ps = subprocess.run(["ps", "-eo", "pid,args"], stdout=subprocess.PIPE, text=True).stdout
    left = [line for line in ps.splitlines() if TMP in line]
    t.ok(not left, "no process mentions the run directories (ps)", diag="\n".join(left))
    t.ok(not os.path.exists(RUN_DIR), "run directory removed")
    shutil.rmtree(TMP, ignore_errors=True)

sys.exit(t.done())
