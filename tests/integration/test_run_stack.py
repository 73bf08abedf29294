#!/usr/bin/env python3
"""albcheck run / discover against the local stack (issues 4 and 5).

Brings up the seed stack once, then: the healthy run passes every check (suite
and zero config); `discover` shows the whole chain; and each fault makes the
run exit 1 with exactly the checks that must fail, naming the cause.  `clear`
restores the stack between faults, and a healthy run after them passes again.
"""
import json
import os
import sys
import tempfile

from tap import Tap
from albstack import LocalStack, ROOT

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


def run(*extra, suite=SUITE, wait=15):
    args = ["run", suite, "--log-wait", str(wait)] + list(extra)
    return st.albcheck(*args)


def expect_fail(name, r, want_failing, words):
    """Exit 1, exactly these failing checks, each message with its words."""
    t.eq(r.code, 1, "%s: exit status 1" % name)
    t.eq(r.failing(), sorted(want_failing), "%s: the failing checks" % name)
    for cid, ws in words.items():
        msg = r.message(cid)
        t.ok(all(w in msg for w in ws), "%s: %s says %s" % (name, cid, ws),
             diag="message: %r" % msg)


try:
    # ---------------------------------------------------------------- healthy
    st.wait_all_healthy()
    r = run()
    t.eq(r.code, 0, "healthy stack: exit 0")
    t.ok(r.report and r.report["counts"]["pass"] == r.report["counts"]["total"] == 18,
         "healthy stack: all 18 checks pass", diag=r)
    kinds = sorted({c["kind"] for c in (r.report or {}).get("checks", [])})
    t.eq(kinds, ["alb", "ecs", "health", "logs", "probe", "route"], "every kind of check ran")
    logs = [c for c in (r.report or {}).get("checks", []) if c["kind"] == "logs"]
    t.ok(len(logs) == 3 and all(c["log"]["stream"].startswith("ecs/") and c["log"]["task_id"]
                                for c in logs),
         "each probe's log line is found with its stream and task")
    t.ok("PASS" in r.out and "18 checks" in r.out, "console prints each check and a summary")

    r = st.albcheck("run", "--alb", "MicroservicesALB", "--log-wait", "15")
    t.eq(r.code, 0, "zero config (--alb MicroservicesALB) passes", )
    probes = [c for c in (r.report or {}).get("checks", []) if c["kind"] == "probe"]
    t.ok(len(probes) == 4, "zero config derives a probe per forward rule plus the default 404",
         diag=[c["name"] for c in probes])

    d = st.albcheck("discover", "--alb", "MicroservicesALB")
    want = ["MicroservicesALB", "listener HTTP:80", "rule 10", "/auth/*", "forward auth-tg",
            "healthy", "ECS service auth-service", "2/2 running", "rollout COMPLETED",
            "log group /ecs/auth-service", "default  → fixed-response 404"]
    missing = [w for w in want if w not in d.out]
    t.ok(d.code == 0 and not missing, "discover shows the whole chain", diag=missing or d)
    dj = st.albcheck("discover", "--alb", "MicroservicesALB", "--json")
    try:
        topo = json.loads(dj.out)
        ok = len(topo["target_groups"]) == 3 and all(
            tg["ecs_service"] for tg in topo["target_groups"])
    except ValueError:
        ok = False
    t.ok(ok, "discover --json holds the groups and their services", diag=dj.out[:500])

    # ---------------------------------------------------------------- other selectors
    d = st.albcheck("discover", "--stack", st.env.get("STACK_NAME", "microservices"))
    t.ok(d.code == 0 and "MicroservicesALB" in d.out, "discover --stack finds the stack's ALB",
         diag=d)
    d = st.albcheck("discover", "--stack", "no-such-stack")
    t.ok(d.code == 1 and "no-such-stack not found" in d.err,
         "a stack that does not exist is 'not found' (exit 1)", diag=d)
    lb = st.aws("elbv2", "describe-load-balancers", "--names", "MicroservicesALB")
    arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    st.aws("elbv2", "add-tags", "--resource-arns", arn, "--tags", "Key=team,Value=shop",
           "Key=env,Value=prod")
    r = st.albcheck("run", "--tag", "team=shop", "--tag", "env=prod", "--log-wait", "15")
    t.eq(r.code, 0, "zero config by tags (--tag team=shop --tag env=prod) passes")
    d = st.albcheck("discover", "--tag", "team=nobody")
    t.ok(d.code == 1 and "no load balancer carries the tags" in d.err,
         "tags that match nothing say so (exit 1)", diag=d)

    # ---------------------------------------------------------------- static faults
    st.fault("kill-task", "auth-service")
    r = run()
    expect_fail("kill a task", r, ["ecs:auth-service"],
                {"ecs:auth-service": ["1 of 2 tasks running"]})
    st.clear()
    st.wait_all_healthy()

    st.fault("fail-health", "order-service")
    st.wait_target_state("order-tg", "unhealthy")
    r = run("--no-logs")
    t.eq(r.code, 1, "fail a health check: exit 1")
    t.ok("health:order-tg" in r.failing(), "fail a health check: health:order-tg fails",
         diag=r.failing())
    msg = r.message("health:order-tg")
    t.ok("unhealthy" in msg and "Target." in msg and "task" in msg,
         "fail a health check: names target, reason code and task", diag=msg)
    st.clear()
    st.wait_all_healthy()

    st.fault("repoint-rule", "/auth", "order-tg")
    r = run()
    t.eq(r.code, 1, "repoint a rule: exit 1")
    t.ok({"route:auth:GET /auth/login", "probe:auth:GET /auth/login"} <= set(r.failing()),
         "repoint a rule: route and probe of /auth/login fail", diag=r.failing())
    msg = r.message("route:auth:GET /auth/login")
    t.ok("rule 10" in msg and "order-tg" in msg and "expected auth-tg" in msg,
         "repoint a rule: the route check names the rule and both groups", diag=msg)
    st.clear()

    st.fault("stall-deploy", "product-service")
    r = run("--no-logs")
    t.eq(r.code, 1, "stall a deployment: exit 1")
    t.ok("ecs:product-service" in r.failing(), "stall a deployment: ecs:product-service fails",
         diag=r.failing())
    msg = r.message("ecs:product-service")
    t.ok("IN_PROGRESS" in msg and "running" in msg,
         "stall a deployment: names the rollout state and the counts", diag=msg)
    st.clear()
    st.wait_all_healthy()

    st.fault("deregister", "order-service")
    r = run("--no-logs")
    t.eq(r.code, 1, "deregister a target: exit 1")
    t.ok("health:order-tg" in r.failing(), "deregister a target: health:order-tg fails",
         diag=r.failing())
    msg = r.message("health:order-tg")
    t.ok("not registered" in msg or "draining" in msg,
         "deregister a target: names the task that is no longer registered", diag=msg)
    st.clear()
    st.wait_all_healthy()

    # ---------------------------------------------------------------- probe and log faults
    st.fault("misroute", "/auth", "order-service")
    r = run()
    t.eq(r.code, 1, "misroute /auth in the data plane: exit 1")
    t.ok("route:auth:GET /auth/login" not in r.failing(),
         "misroute: the control plane is still right (route passes)")
    t.ok({"probe:auth:GET /auth/login", "logs:auth:GET /auth/login"} <= set(r.failing()),
         "misroute: probe and logs of /auth/login fail", diag=r.failing())
    lc = r.checks().get("logs:auth:GET /auth/login", {})
    t.eq((lc.get("log") or {}).get("found_group"), "/ecs/order-service",
         "misroute: the token is reported in the wrong service's group")
    t.ok("/ecs/order-service" in r.message("logs:auth:GET /auth/login"),
         "misroute: the logs message names the group it was found in")
    st.clear()

    st.fault("body", "product-service", "Goodbye")
    r = run("--no-logs")
    expect_fail("change a body", r, ["probe:product:GET /products/item/abc"],
                {"probe:product:GET /products/item/abc": ["Hello from Product Service", "Goodbye"]})
    st.clear()

    with open(SUITE) as f:
        suite = json.load(f)
    suite["services"][2]["probes"][0]["expect"]["max_ms"] = 400
    tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(suite, tmp)
    tmp.close()
    st.fault("slow", "product-service", "1000")
    r = run("--no-logs", suite=tmp.name)
    expect_fail("slow a service against a budget", r, ["probe:product:GET /products/item/abc"],
                {"probe:product:GET /products/item/abc": ["400 ms"]})
    st.clear()
    os.unlink(tmp.name)

    st.fault("kill-all", "order-service")
    r = run()
    t.eq(r.code, 1, "kill every task of a service: exit 1")
    msg = r.message("probe:order:GET /orders/123")
    t.ok("503 from the load balancer" in msg and "order-tg" in msg,
         "kill every task: the probe says the ALB answered 503 for order-tg", diag=msg)
    t.eq(r.status("logs:order:GET /orders/123"), "skip",
         "kill every task: no log line is expected from a probe the ALB answered")
    t.ok("ecs:order-service" in r.failing(), "kill every task: ecs:order-service fails")
    st.clear()
    st.wait_all_healthy()

    st.fault("log-delay", "30")
    r = run(wait=3)
    logs_failing = [c for c in r.failing() if c.startswith("logs:")]
    t.eq(r.code, 1, "delay logs beyond the wait: exit 1")
    t.eq(len(logs_failing), 3, "delay logs: the three logs checks fail", )
    msg = r.message("logs:auth:GET /auth/login")
    t.ok("not found" in msg and "within 3 s" in msg, "delay logs: says what was searched",
         diag=msg)
    st.clear()

    st.fault("log-drop", "auth-service")
    r = run(wait=4)
    expect_fail("drop a service's logs", r, ["logs:auth:GET /auth/login"],
                {"logs:auth:GET /auth/login": ["not found in /ecs/auth-service"]})
    st.clear()

    # ---------------------------------------------------------------- healthy again
    st.wait_all_healthy()
    r = run()
    t.eq(r.code, 0, "after clear the healthy run passes again", )
finally:
    st.down()

sys.exit(t.done())
