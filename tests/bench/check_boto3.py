#!/usr/bin/env python3
"""check_boto3.py — what an engineer without albcheck would write in Python
for checks/microservices.json: boto3 for AWS, requests for the probes (both
preinstalled here; urllib is used when requests is missing).

Same work as check_awscli.sh: the ALB, its HTTP listener and rules (each
path's rule forwards to its target group), every group's target health, the
ECS services (running = desired, PRIMARY deployment COMPLETED, wired to the
group), the four probes through the ALB with a correlation token (query
parameter and X-Request-Id), each token found in its service's log group and
in no other.  Exit 0 when all holds, 1 if not.

Independent calls run concurrently on a thread pool (one boto3 client per
service, clients are thread-safe).  Environment: AWS_* (boto3 honours
AWS_ENDPOINT_URL), ALBCHECK_CONNECT_TO=<dns>:80:<addr>:<port>, LOG_WAIT_S.
"""
import fnmatch
import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3

try:
    import requests
except ImportError:  # pragma: no cover - requests is preinstalled here
    requests = None
    import urllib.error
    import urllib.request

ALB_NAME = os.environ.get("ALB_NAME", "MicroservicesALB")
CLUSTER = "MicroservicesCluster"
LOG_WAIT_S = float(os.environ.get("LOG_WAIT_S", "60"))
SERVICES = [
    # name, path, target group, ecs service, log group, body
    ("auth", "/auth/login", "auth-tg", "auth-service", "/ecs/auth-service", "Hello from Auth Service"),
    ("order", "/orders/123", "order-tg", "order-service", "/ecs/order-service", "Hello from Order Service"),
    ("product", "/products/item/abc", "product-tg", "product-service", "/ecs/product-service",
     "Hello from Product Service"),
]

fails = 0


def report(ok, msg):
    global fails
    print(("PASS  " if ok else "FAIL  ") + msg)
    if not ok:
        fails += 1


def fetch(url, host, token):
    """GET url (already pointed at the right address) with Host and token; (status, body)."""
    headers = {"Host": host, "X-Request-Id": token}
    if requests is not None:
        try:
            r = requests.get(url, headers=headers, timeout=5, allow_redirects=False)
            return r.status_code, r.text
        except requests.RequestException as e:
            return 0, str(e)
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError as e:
        return 0, str(e)


def main():
    elbv2 = boto3.client("elbv2")
    ecs = boto3.client("ecs")
    logs = boto3.client("logs")
    pool = ThreadPoolExecutor(max_workers=8)

    # ---------------------------------------------------------- discovery
    try:
        lb = elbv2.describe_load_balancers(Names=[ALB_NAME])["LoadBalancers"][0]
    except Exception as e:  # noqa: BLE001 - any failure here ends the check
        print("cannot describe the load balancer %s: %s" % (ALB_NAME, e), file=sys.stderr)
        return 1
    report(lb["State"]["Code"] == "active", "alb %s %s" % (ALB_NAME, lb["State"]["Code"]))
    f_listeners = pool.submit(elbv2.describe_listeners, LoadBalancerArn=lb["LoadBalancerArn"])
    f_tgs = pool.submit(elbv2.describe_target_groups, LoadBalancerArn=lb["LoadBalancerArn"])
    listener = next((x for x in f_listeners.result()["Listeners"] if x["Port"] == 80), None)
    if listener is None:
        report(False, "no HTTP:80 listener on %s" % ALB_NAME)
        return 1
    tg_arn = {t["TargetGroupName"]: t["TargetGroupArn"] for t in f_tgs.result()["TargetGroups"]}

    f_rules = pool.submit(elbv2.describe_rules, ListenerArn=listener["ListenerArn"])
    f_health = {s[2]: pool.submit(elbv2.describe_target_health, TargetGroupArn=tg_arn[s[2]])
                for s in SERVICES if s[2] in tg_arn}
    f_ecs = pool.submit(ecs.describe_services, cluster=CLUSTER, services=[s[3] for s in SERVICES])

    # ---------------------------------------------------------- static checks
    rules = sorted((r for r in f_rules.result()["Rules"] if not r["IsDefault"]),
                   key=lambda r: int(r["Priority"]))
    ecs_by_name = {s["serviceName"]: s for s in f_ecs.result()["services"]}
    for name, path, tg, svc, _, _ in SERVICES:
        arn = tg_arn.get(tg)
        if arn is None:
            report(False, "target group %s not found" % tg)
            continue
        chosen = "none"
        for r in rules:
            pats = [v for c in r["Conditions"] if c["Field"] == "path-pattern"
                    for v in c.get("PathPatternConfig", {}).get("Values", c.get("Values", []))]
            if any(fnmatch.fnmatchcase(path, p) for p in pats):
                fwd = [a for a in r["Actions"] if a["Type"] == "forward"]
                chosen = fwd[0].get("TargetGroupArn", "none") if fwd else "none"
                break
        report(chosen == arn, "route %s -> %s" % (path, tg if chosen == arn else chosen))

        th = f_health[tg].result()["TargetHealthDescriptions"]
        healthy = sum(1 for t in th if t["TargetHealth"]["State"] == "healthy")
        report(th and healthy == len(th), "health %s %d/%d" % (tg, healthy, len(th)))

        s = ecs_by_name.get(svc)
        ok = (s is not None and s["status"] == "ACTIVE" and s["desiredCount"] > 0
              and s["runningCount"] == s["desiredCount"]
              and any(d["status"] == "PRIMARY" and d.get("rolloutState") == "COMPLETED"
                      for d in s["deployments"])
              and any(b.get("targetGroupArn") == arn for b in s.get("loadBalancers", [])))
        report(ok, "ecs %s%s" % (svc, "" if ok or s is None else ": %d/%d running" % (
            s["runningCount"], s["desiredCount"])))

    # ---------------------------------------------------------- probes
    run_id = secrets.token_hex(4)
    start_ms = int(time.time() * 1000) - 5000
    dns = lb["DNSName"]
    base = "http://%s" % dns
    ct = os.environ.get("ALBCHECK_CONNECT_TO", "")
    if ct:  # host:port:addr:port -> connect to addr:port, keep the Host header
        h, p, addr, port = ct.split(":")
        if h == dns:
            base = "http://%s:%s" % (addr, port)
    probes = [(s[0], s[1], "check-%s-%d" % (run_id, i + 1), s) for i, s in enumerate(SERVICES)]
    probes.append(("nope", "/nope", "check-%s-404" % run_id, None))
    futs = [pool.submit(fetch, "%s%s?albcheck=%s" % (base, path, tok), dns, tok)
            for _, path, tok, _ in probes]
    expected = []  # (name, token, log group) of every probe its service answered
    for (name, path, tok, s), f in zip(probes, futs):
        code, body = f.result()
        if s is None:
            report(code == 404, "probe %s %d (expected 404)" % (path, code))
        elif code == 200 and s[5] in body:
            report(True, "probe %s 200" % path)
            expected.append((name, tok, s[4]))
        else:
            report(False, "probe %s: status %d, body %r" % (path, code, body[:80]))

    # ---------------------------------------------------------- log correlation
    groups = [s[4] for s in SERVICES]

    def search(group):
        msgs = []
        kw = dict(logGroupName=group, startTime=start_ms, filterPattern='"check-%s"' % run_id)
        for page in logs.get_paginator("filter_log_events").paginate(**kw):
            msgs.extend(e["message"] for e in page["events"])
        return msgs

    deadline = time.time() + LOG_WAIT_S
    delay = 1.0
    found = {}
    while expected:
        msgs = dict(zip(groups, pool.map(search, groups)))
        found = {tok: [g for g in groups if any(tok in m for m in msgs[g])] for _, tok, _ in expected}
        if all(found[tok] == [g] for _, tok, g in expected) or time.time() >= deadline:
            break
        time.sleep(delay)
        delay = min(delay * 2, 8)
    for name, tok, g in expected:
        report(found[tok] == [g], "logs %s %s: expected in %s, found in %s" % (
            name, tok, g, ", ".join(found[tok]) or "nowhere"))

    pool.shutdown()
    print("FAILED: %d check(s)" % fails if fails else "OK: all checks passed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
