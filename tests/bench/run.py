#!/usr/bin/env python3
"""run.py — `make bench`: albcheck beside the scripts users would write.

    python3 tests/bench/run.py [--albcheck PATH] [--runs N] [--skip-scale] [--skip-small]

1. Brings the local stack up once (own run dir under /tmp), log delay 0.
2. Verdicts: albcheck, check_boto3.py and check_awscli.sh on the healthy stack
   and under two faults (kill-all order-service; body auth-service X).
3. Timing: hyperfine (warm-up + >= N runs each) of the three on the healthy
   stack; median, spread (min..max, stddev), ratio to albcheck, the AWS API
   calls each made (counted by the stack's own API front, the same way for
   every tool: POST /counters/reset, run once, GET /status), and peak RSS
   (GNU time; for the scripts that is the largest single process).
4. Cold start of `albcheck --version` (hyperfine).
5. Scale: a second stack from gen-template (10 services, 100 routes), a suite
   of 1,000 probes across the 100 routes; albcheck's probe-phase time
   (--timings) beside `curl --parallel --parallel-max 16` fetching the same
   1,000 URLs through the same nginx; AWS calls for correlation per round
   (-v); albcheck's peak RSS.
Every stack it starts is stopped, whatever happens.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "tests", "bench")
STACKCTL = os.path.join(ROOT, "tests", "stack", "stackctl")
FAULT = os.path.join(ROOT, "tests", "stack", "fault")
GEN = os.path.join(ROOT, "tests", "stack", "gen-template")
PY = sys.executable
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
HYPERFINE = shutil.which("hyperfine")


def say(*a):
    print(*a, flush=True)


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                k, v = line[len("export "):].split("=", 1)
                env[k] = v.strip("'\"")
    return env


class Stack:
    def __init__(self, tmp, name, template=None, tasks=None):
        self.run_dir = os.path.join(tmp, name)
        cmd = [PY, STACKCTL, "up", "--run-dir", self.run_dir]
        if template:
            cmd += ["--template", template]
        if tasks:
            cmd += ["--tasks", str(tasks)]
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            self.down()
            raise RuntimeError("stackctl up failed:\n" + p.stdout + p.stderr)
        say("  stack %s up in %.1f s (%s)" % (name, time.time() - t0, self.run_dir))
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("AWS_") or k.startswith("ALBCHECK_"):
                del self.env[k]
        self.env.update(read_env(os.path.join(self.run_dir, "env")))
        self.env["HOME"] = tmp
        self.env["NO_COLOR"] = "1"
        self.control = self.env["STACK_CONTROL_URL"]

    def fault(self, *args):
        subprocess.run([PY, FAULT, "--run-dir", self.run_dir] + list(args), check=True,
                       capture_output=True, text=True, timeout=120)

    def down(self):
        subprocess.run([PY, STACKCTL, "down", "--run-dir", self.run_dir], capture_output=True,
                       timeout=120)

    def reset_counts(self):
        req = urllib.request.Request(self.control + "/counters/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def counts(self):
        with urllib.request.urlopen(self.control + "/status", timeout=10) as r:
            d = json.load(r)
        return d.get("aws_calls", {}), d.get("aws_calls_total", 0)

    def wait_healthy(self, timeout=60):
        """Until albcheck --no-logs passes health and ecs (tasks restarted after a fault)."""
        end = time.time() + timeout
        while time.time() < end:
            p = subprocess.run(ALB + ["run", SUITE, "--no-logs", "--no-reports", "-q"],
                               env=self.env, capture_output=True, cwd=ROOT)
            if p.returncode == 0:
                return True
            time.sleep(1)
        return False


def run_timed(cmd, env, timeout=600):
    """Run cmd; (exit code, wall seconds, peak RSS KiB, stdout, stderr)."""
    t0 = time.monotonic()
    if GNU_TIME:
        fd, tf = tempfile.mkstemp()
        os.close(fd)
        p = subprocess.run([GNU_TIME, "-v", "-o", tf] + cmd, env=env, capture_output=True,
                           text=True, cwd=ROOT, timeout=timeout)
        wall = time.monotonic() - t0
        with open(tf) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        os.unlink(tf)
        return p.returncode, wall, int(m.group(1)) if m else 0, p.stdout, p.stderr
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        proc = subprocess.Popen(cmd, env=env, stdout=fo, stderr=fe, text=True, cwd=ROOT)
        _, status, ru = os.wait4(proc.pid, 0)  # ru_maxrss: KiB on Linux
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        fo.seek(0)
        fe.seek(0)
        return proc.returncode, wall, ru.ru_maxrss, fo.read(), fe.read()


def table(headers, rows):
    w = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda r: "  " + "  ".join(str(x).ljust(w[i]) if i == 0 else str(x).rjust(w[i])
                                      for i, x in enumerate(r))
    say(line(headers))
    say("  " + "  ".join("-" * n for n in w))
    for r in rows:
        say(line(r))


def hyperfine(cmds, env, runs, warmup, tmp, tag):
    """{name: {median, mean, stddev, min, max, times}} via hyperfine, else a loop."""
    out = {}
    if HYPERFINE:
        js = os.path.join(tmp, "hf-%s.json" % tag)
        args = [HYPERFINE, "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", js,
                "--style", "basic"]
        for name, cmd in cmds:
            args += ["-n", name, " ".join(cmd)]
        p = subprocess.run(args, env=env, cwd=ROOT, text=True, capture_output=True)
        if p.returncode != 0:
            raise RuntimeError("hyperfine failed: %s" % p.stderr[-2000:])
        with open(js) as f:
            for r in json.load(f)["results"]:
                out[r["command"]] = {k: r[k] for k in ("median", "mean", "stddev", "min", "max",
                                                       "user", "system")}
                out[r["command"]]["times"] = r["times"]
        return out
    for name, cmd in cmds:  # a careful loop: warm-up runs, then `runs` timed runs
        for _ in range(warmup):
            subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
        ts = []
        for _ in range(runs):
            t0 = time.monotonic()
            subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
            ts.append(time.monotonic() - t0)
        out[name] = {"median": statistics.median(ts), "mean": statistics.mean(ts),
                     "stddev": statistics.stdev(ts), "min": min(ts), "max": max(ts), "times": ts,
                     "user": float("nan"), "system": float("nan")}
    return out


# ---------------------------------------------------------------- small stack

def tools(tmp, log_wait):
    return [
        ("albcheck", ALB + ["run", SUITE, "--report-dir", os.path.join(tmp, "reports"),
                            "--log-wait", str(log_wait)]),
        ("boto3", [PY, os.path.join(BENCH, "check_boto3.py")]),
        ("aws-cli", ["bash", os.path.join(BENCH, "check_awscli.sh")]),
    ]


def small(args, tmp):
    say("== the microservices stack")
    st = Stack(tmp, "small")
    try:
        st.fault("log-delay", "0")
        st.env["LOG_WAIT_S"] = str(args.log_wait)
        say("\n== verdicts (exit status; 0 pass, 1 a check failed)")
        scen = [("healthy", None), ("kill-all order-service", ("kill-all", "order-service")),
                ("body auth-service X", ("body", "auth-service", "X"))]
        rows, details = [], []
        agree = True
        for label, f in scen:
            st.fault("clear")
            st.fault("log-delay", "0")
            if not st.wait_healthy():  # the last fault's tasks are back and serving
                say("  (the stack did not turn healthy again within 60 s)")
            if f is not None:
                st.fault(*f)
            row = [label]
            codes = []
            for name, cmd in tools(tmp, args.log_wait):
                rc, wall, _, out, err = run_timed(cmd, st.env)
                fl = [l.split("—")[0].strip() for l in out.splitlines() if l.startswith("FAIL ")]
                row.append("%d (%d fail, %.1f s)" % (rc, len(fl), wall))
                codes.append(rc)
                if fl:
                    details.append("  %-24s %-8s %s" % (label, name, "; ".join(
                        re.sub(r"\s+", " ", x[6:]) for x in fl)[:160]))
            agree &= len(set(codes)) == 1
            row.append("yes" if len(set(codes)) == 1 else "NO")
            rows.append(row)
        table(["scenario", "albcheck", "boto3", "aws-cli", "same"], rows)
        say("  failing checks as each tool names them:")
        say("\n".join(details))
        st.fault("clear")
        st.fault("log-delay", "0")
        st.wait_healthy()

        say("\n== API calls and peak RSS (one run each, healthy stack)")
        calls, rss = {}, {}
        for name, cmd in tools(tmp, args.log_wait):
            st.reset_counts()
            rc, wall, kb, out, err = run_timed(cmd + (["-v"] if name == "albcheck" else []), st.env)
            by_op, total = st.counts()
            calls[name], rss[name] = (total, by_op), kb
            if name == "albcheck":
                m = re.search(r"aws calls: (\d+) requests in all", err)
                say("  albcheck -v says %s requests; the stack counted %d" % (
                    m.group(1) if m else "?", total))
            say("  %-8s exit %d: %d calls: %s" % (name, rc, total, ", ".join(
                "%s %d" % (k, v) for k, v in sorted(by_op.items()))))

        say("\n== timing (healthy stack, log delay 0; hyperfine: %d warm-up, %d runs)" % (
            args.warmup, args.runs))
        res = hyperfine(tools(tmp, args.log_wait), st.env, args.runs, args.warmup, tmp, "small")
        base = res["albcheck"]["median"]
        rows = []
        for name, _ in tools(tmp, args.log_wait):
            r = res[name]
            rows.append([name, "%.3f s" % r["median"], "%.3f..%.3f" % (r["min"], r["max"]),
                         "%.3f" % r["stddev"], "%.1fx" % (r["median"] / base), calls[name][0],
                         "%.1f MiB" % (rss[name] / 1024.0), "%.3f s" % (r["user"] + r["system"])])
        table(["tool", "median", "min..max", "stddev", "vs albcheck", "AWS calls", "peak RSS",
               "CPU/run"], rows)
        say("  (CPU/run: mean user+sys of the tool and its children; load now: %s)" %
            " ".join("%.2f" % x for x in os.getloadavg()))
        say("  (peak RSS of the scripts: their largest single process — GNU time's maximum)")
        for name, want in (("aws-cli", 20.0), ("boto3", 5.0)):
            got = res[name]["median"] / base
            say("  target: albcheck >= %.0fx faster than %s: %.1fx, %s" % (
                want, name, got, "met" if got >= want else "NOT met"))

        say("\n== cold start: albcheck --version")
        cs = hyperfine([("albcheck --version", ALB + ["--version"])], st.env, 30, 5, tmp, "cold")
        r = cs["albcheck --version"]
        say("  median %.2f ms, min..max %.2f..%.2f ms, stddev %.2f ms (30 runs)" % (
            r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3, r["stddev"] * 1e3))
        return agree
    finally:
        st.down()


# ---------------------------------------------------------------- scale

def scale_suite(n_services, n_routes, per_route, name):
    """The suite: per_route probes on each of n_routes routes (gen-template's layout)."""
    width = max(2, len(str(n_services)))
    rwidth = max(3, len(str(n_routes)))
    svcs = ["svc%0*d" % (width, i + 1) for i in range(n_services)]
    probes = {s: [] for s in svcs}
    for j in range(1, n_routes + 1):
        s = svcs[(j - 1) % n_services]
        for k in range(per_route):
            probes[s].append({"path": "/%s/r%0*d/p%d" % (s, rwidth, j, k),
                              "expect": {"status": 200,
                                         "body": "Hello from %s Service" % s.capitalize()}})
    return {
        "name": "scale", "region": "us-east-1",
        "load_balancer": {"name": "%sALB" % name},
        "defaults": {"timeout_ms": 10000, "expect": {"status": [200]}},
        "logs": {"wait_s": 60},
        "services": [{"name": s, "target_group": "%s-tg" % s,
                      "ecs": {"cluster": "%sCluster" % name, "service": "%s-service" % s,
                              "container_name": "%s-container" % s, "container_port": 5000},
                      "log_group": "/ecs/%s-service" % s, "probes": probes[s]} for s in svcs],
    }


def scale(args, tmp):
    global SUITE
    n_svc, n_routes, per_route = 10, 100, 10
    say("\n== scale: %d services, %d routes, %d probes" % (n_svc, n_routes, n_routes * per_route))
    tpl = os.path.join(tmp, "scale.json")
    subprocess.run([PY, GEN, "--services", str(n_svc), "--routes", str(n_routes), "--tasks", "1",
                    "--name", "Bench", "-o", tpl], check=True)
    suite = os.path.join(tmp, "scale-suite.json")
    with open(suite, "w") as f:
        json.dump(scale_suite(n_svc, n_routes, per_route, "Bench"), f, indent=1)
    st = Stack(tmp, "scale", template=tpl)
    try:
        st.fault("log-delay", "0")
        ct = st.env["ALBCHECK_CONNECT_TO"]
        dns = st.env["ALB_DNS_NAME"]
        urls = ["http://%s%s" % (dns, p["path"]) for s in scale_suite(n_svc, n_routes, per_route,
                                                                         "Bench")["services"]
                for p in s["probes"]]
        cfg = os.path.join(tmp, "curl.cfg")
        with open(cfg, "w") as f:
            for u in urls:
                f.write('url = "%s"\noutput = "/dev/null"\n' % u)
        curl = ["curl", "-s", "--parallel", "--parallel-max", "16", "--connect-to", ct, "-K", cfg]
        alb = ALB + ["run", suite, "--no-reports", "--timings", "-v", "--concurrency", "16"]
        say("  warm-up: one albcheck run and one curl run")
        run_timed(alb, st.env)
        run_timed(curl, st.env)
        probe_s, curl_s, logs_calls, rounds, rss, codes = [], [], [], [], [], []
        logs_s, walls, counted = [], [], []
        for i in range(args.scale_runs):
            st.reset_counts()
            rc, wall, kb, out, err = run_timed(alb, st.env)
            counted.append(st.counts()[0].get("logs:FilterLogEvents", 0))
            walls.append(wall)
            m = re.search(r"logs ([0-9.]+) s", out + err)
            logs_s.append(float(m.group(1)) if m else float("nan"))
            m = re.search(r"probes ([0-9.]+) s", out + err)
            probe_s.append(float(m.group(1)) if m else float("nan"))
            m = re.search(r"logs: (\d+) rounds?, (\d+) API calls \(at most (\d+) a round for (\d+) groups\)",
                          err)
            if m:
                rounds.append((int(m.group(1)), int(m.group(2)), int(m.group(4))))
            rss.append(kb)
            codes.append(rc)
            t0 = time.monotonic()
            p = subprocess.run(curl, env=st.env, capture_output=True, cwd=ROOT)
            curl_s.append(time.monotonic() - t0)
            if p.returncode != 0:
                say("  curl exit %d" % p.returncode)
        if codes and codes[-1] != 0:
            say("  albcheck exit %d; its failures:" % codes[-1])
            say("\n".join(l for l in out.splitlines() if l.startswith("FAIL"))[:2000])
        pm, cm = statistics.median(probe_s), statistics.median(curl_s)
        table(["what (%d runs each)" % args.scale_runs, "median", "min..max"],
              [["albcheck probe phase (1,000 probes, --timings)", "%.3f s" % pm,
                "%.3f..%.3f" % (min(probe_s), max(probe_s))],
               ["curl --parallel --parallel-max 16 (same 1,000 URLs)", "%.3f s" % cm,
                "%.3f..%.3f" % (min(curl_s), max(curl_s))],
               ["ratio albcheck / curl", "%.2fx" % (pm / cm), ""],
               ["albcheck log correlation phase", "%.3f s" % statistics.median(logs_s),
                "%.3f..%.3f" % (min(logs_s), max(logs_s))],
               ["albcheck whole run (--no-reports)", "%.3f s" % statistics.median(walls),
                "%.3f..%.3f" % (min(walls), max(walls))]])
        say("  target: probe phase within 1.5x of curl --parallel: %.2fx, %s" % (
            pm / cm, "met" if pm / cm <= 1.5 else "NOT met"))
        say("  FilterLogEvents counted by the stack per run: %s" % counted)
        for r, c, g in rounds[-1:]:
            say("  log correlation (-v): %d round(s), %d FilterLogEvents calls for %d groups "
                "(%.1f per group per round; target <= 1: %s)" % (
                    r, c, g, c / float(r * g), "met" if c <= r * g else "NOT met"))
        say("  albcheck exit codes %s; peak RSS %.1f MiB (max of runs)" % (
            codes, max(rss) / 1024.0))
    finally:
        st.down()


def main():
    global ALB, SUITE
    ap = argparse.ArgumentParser()
    ap.add_argument("--albcheck", default=os.path.join(ROOT, "build", "release", "albcheck"))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--scale-runs", type=int, default=5)
    ap.add_argument("--log-wait", type=int, default=20)
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-small", action="store_true")
    args = ap.parse_args()
    ALB = [os.path.abspath(args.albcheck)]
    SUITE = os.path.join(ROOT, "checks", "microservices.json")
    say("albcheck: %s" % subprocess.run(ALB + ["--version"], capture_output=True,
                                        text=True).stdout.strip())
    say("hyperfine: %s; GNU time: %s; nproc %d" % (HYPERFINE or "missing (careful loop)",
                                                   GNU_TIME or "missing", os.cpu_count()))
    tmp = tempfile.mkdtemp(prefix="albcheck-bench-")
    ok = True
    try:
        if not args.skip_small:
            ok = small(args, tmp)
        if not args.skip_scale:
            scale(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
