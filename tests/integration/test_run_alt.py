#!/usr/bin/env python3
"""albcheck on a second, different stack (tests/stack/templates/alt.yaml):
four services with other names (billing, search, users, catalog), a
host-header rule, a method condition, a redirect, a fixed 200, a JSON 404
default, and a rule shadowed by a higher-priority one — so that nothing in
albcheck depends on the seed's names (issue 4)."""
import json
import os
import sys
import tempfile

from tap import Tap
from albstack import LocalStack, ROOT

t = Tap()
TEMPLATE = os.path.join(ROOT, "tests", "stack", "templates", "alt.yaml")

SUITE = {
    "name": "shop",
    "load_balancer": {"name": "CommerceALB"},
    "logs": {"wait_s": 15},
    "services": [
        {"name": "search", "target_group": "search-tg", "log_group": "/shop/search",
         "ecs": {"cluster": "ShopCluster", "service": "search"},
         "probes": [{"path": "/anything", "host": "search.shop.example.com",
                     "expect": {"status": 200, "body": "Search"}}]},
        {"name": "billing", "target_group": "billing-tg", "log_group": "/shop/billing",
         "ecs": {"cluster": "ShopCluster", "service": "billing"},
         "probes": [{"path": "/billing/invoices/7?x=1", "expect": {"status": 200}}]},
        {"name": "users", "target_group": "users-tg", "log_group": "/shop/users",
         "ecs": {"cluster": "ShopCluster", "service": "users"},
         "probes": [{"path": "/users/admin/panel", "expect": {"status": 200}}]},
        {"name": "catalog", "target_group": "catalog-tg", "log_group": "/shop/catalog",
         "ecs": {"cluster": "ShopCluster", "service": "catalog"},
         "probes": [{"path": "/catalog/42", "expect": {"status": 200}}]},
    ],
    "probes": [
        {"name": "old shop redirects", "path": "/old-shop/x",
         "expect": {"status": 301, "from": "load_balancer",
                    "headers": {"Location": {"regex": "/catalog"}}}},
        {"name": "status page", "path": "/status",
         "expect": {"status": 200, "body": "^ok$", "from": "load_balancer"}},
        {"name": "POST to catalog is not routed", "method": "POST", "path": "/catalog/42",
         "expect": {"status": 404, "body": "no route", "from": "load_balancer"}},
    ],
}

try:
    st = LocalStack(template=TEMPLATE)
except Exception as e:  # noqa: BLE001
    t.ok(False, "the alternative stack comes up", diag=str(e))
    sys.exit(t.done())
t.ok(True, "the alternative stack comes up (%.1f s)" % st.up_seconds)

try:
    st.wait_all_healthy()
    d = st.albcheck("discover", "--alb", "CommerceALB")
    want = ["CommerceALB", "rule 5  host-header search.shop.example.com  → forward search-tg",
            "http-request-method GET, HEAD", "redirect HTTP_301", "fixed-response 200",
            "ECS service billing", "log group /shop/billing"]
    missing = [w for w in want if w not in d.out]
    t.ok(d.code == 0 and not missing, "discover shows the alternative chain", diag=missing or d)

    r = st.albcheck("run", "--alb", "CommerceALB", "--log-wait", "15")
    t.eq(r.code, 1, "zero config: exit 1 (the shadowed rule)")
    t.eq(r.failing(), ["lint:shadowed:80:30"], "zero config: only the shadowed rule fails")
    t.ok("covered by rule 20" in r.message("lint:shadowed:80:30"),
         "the lint names the rule that covers it", diag=r.message("lint:shadowed:80:30"))
    probes = {c["name"] for c in r.report["checks"] if c["kind"] == "probe"}
    t.ok(any("search.shop.example.com" in p for p in probes),
         "zero config derives a probe with the host-header rule's host", diag=probes)
    t.eq(sorted(c["status"] for c in r.report["checks"] if c["kind"] == "logs"),
         ["pass"] * 4, "zero config: the four services' probes are found in their own logs")

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(SUITE, f)
    v = st.albcheck("validate", f.name)
    t.eq(v.code, 0, "the shop suite validates")
    r = st.albcheck("run", f.name)
    fails = r.failing()
    t.ok(fails == ["lint:shadowed:80:30", "logs:users:GET /users/admin/panel",
                   "probe:users:GET /users/admin/panel", "route:users:GET /users/admin/panel"]
         or fails == ["lint:shadowed:80:30"], "suite run: reported failures", diag=fails)
    # /users/admin/panel is sent to users-tg by rule 20 (rule 30 is shadowed): the suite
    # expects users-tg, so route, probe and logs pass; only the lint fails.
    t.eq(fails, ["lint:shadowed:80:30"], "suite run: only the lint fails")
    for cid in ("route:search:GET /anything", "probe:search:GET /anything",
                "logs:search:GET /anything", "probe:probe:old shop redirects",
                "probe:probe:status page", "probe:probe:POST to catalog is not routed",
                "route:probe:POST to catalog is not routed"):
        t.eq(r.status(cid), "pass", "suite run: %s passes" % cid)
    t.ok("rule 5" in r.message("route:search:GET /anything"),
         "the host-header probe matched rule 5", diag=r.message("route:search:GET /anything"))

    st.fault("repoint-rule", "/billing", "catalog-tg")
    r = st.albcheck("run", f.name, "--log-wait", "10")
    t.eq(r.code, 1, "repointing /billing to catalog-tg: exit 1")
    msg = r.message("route:billing:GET /billing/invoices/7?x=1")
    t.ok("rule 10" in msg and "catalog-tg" in msg and "expected billing-tg" in msg,
         "repointing /billing: the route check names the rule and both groups", diag=msg)
    t.eq((r.checks().get("logs:billing:GET /billing/invoices/7?x=1", {}).get("log") or {})
         .get("found_group"), "/shop/catalog", "repointing /billing: its token is found in /shop/catalog")
    st.clear()
    os.unlink(f.name)
finally:
    st.down()

sys.exit(t.done())
