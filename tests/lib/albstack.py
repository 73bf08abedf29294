"""Helpers for tests that run albcheck against the local stack (tests/stack).

    st = LocalStack()          # brings a stack up in a temporary run dir
    r = st.albcheck("run", "checks/microservices.json")
    r.code, r.out, r.err, r.report  # the parsed JSON report, when written
    st.fault("kill-task", "auth-service"); st.clear(); st.down()
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STACKCTL = os.path.join(ROOT, "tests", "stack", "stackctl")
FAULT = os.path.join(ROOT, "tests", "stack", "fault")
ALBCHECK = os.environ.get("ALBCHECK", os.path.join(ROOT, "albcheck"))
PY = os.environ.get("PYTHON", sys.executable)


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                k, v = line[len("export "):].split("=", 1)
                env[k] = v.strip("'\"")
    return env


class Result:
    def __init__(self, code, out, err, report):
        self.code, self.out, self.err, self.report = code, out, err, report

    def checks(self):
        return {c["id"]: c for c in (self.report or {}).get("checks", [])}

    def failing(self):
        return sorted(i for i, c in self.checks().items() if c["status"] in ("fail", "error"))

    def status(self, check_id):
        c = self.checks().get(check_id)
        return c["status"] if c else None

    def message(self, check_id):
        c = self.checks().get(check_id)
        return (c or {}).get("message") or ""

    def __repr__(self):
        return "exit %s\nstdout:\n%s\nstderr:\n%s" % (self.code, self.out[-4000:], self.err[-2000:])


class LocalStack:
    def __init__(self, template=None, tasks=None):
        self.dir = tempfile.mkdtemp(prefix="albcheck-stack-")
        self.run_dir = os.path.join(self.dir, "run")
        cmd = [PY, STACKCTL, "up", "--run-dir", self.run_dir]
        if template:
            cmd += ["--template", template]
        if tasks:
            cmd += ["--tasks", str(tasks)]
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        self.up_seconds = time.time() - t0
        if p.returncode != 0:
            self.down()
            raise RuntimeError("stackctl up failed:\n" + p.stdout + p.stderr)
        self.env = read_env(os.path.join(self.run_dir, "env"))

    def environ(self, extra=None):
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("AWS_") or k.startswith("ALBCHECK_"):
                del env[k]
        env.update(self.env)
        env["HOME"] = self.dir  # no developer profile files leak in
        env["NO_COLOR"] = "1"
        env.update(extra or {})
        return env

    def albcheck(self, *args, extra_env=None, timeout=180, report=True):
        args = list(args)
        rep = None
        if report and args and args[0] == "run":
            rep = os.path.join(self.dir, "report-%d.json" % time.monotonic_ns())
            args += ["--json", rep]
        p = subprocess.run([ALBCHECK] + args, capture_output=True, text=True,
                           env=self.environ(extra_env), timeout=timeout, cwd=ROOT)
        parsed = None
        if rep and os.path.exists(rep):
            with open(rep) as f:
                parsed = json.load(f)
        return Result(p.returncode, p.stdout, p.stderr, parsed)

    def fault(self, *args):
        p = subprocess.run([PY, FAULT, "--run-dir", self.run_dir] + list(args),
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("fault %s failed: %s%s" % (args, p.stdout, p.stderr))
        return p.stdout

    def clear(self):
        return self.fault("clear")

    def aws(self, *args):
        p = subprocess.run(["aws", "--endpoint-url", self.env["AWS_ENDPOINT_URL"], "--output",
                            "json"] + list(args), capture_output=True, text=True,
                           env=self.environ(), timeout=60)
        return json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None

    def wait_target_state(self, tg_name, want, timeout=30):
        """Poll DescribeTargetHealth until some target of tg_name is in state `want`."""
        tgs = self.aws("elbv2", "describe-target-groups", "--names", tg_name)
        arn = tgs["TargetGroups"][0]["TargetGroupArn"]
        end = time.time() + timeout
        while time.time() < end:
            th = self.aws("elbv2", "describe-target-health", "--target-group-arn", arn) or {}
            states = [d["TargetHealth"]["State"] for d in th.get("TargetHealthDescriptions", [])]
            if want in states:
                return True
            time.sleep(0.5)
        return False

    def wait_all_healthy(self, timeout=40):
        """Poll until every registered target of every group is healthy."""
        end = time.time() + timeout
        while time.time() < end:
            tgs = (self.aws("elbv2", "describe-target-groups") or {}).get("TargetGroups", [])
            ok = bool(tgs)
            for tg in tgs:
                th = self.aws("elbv2", "describe-target-health", "--target-group-arn",
                              tg["TargetGroupArn"]) or {}
                states = [d["TargetHealth"]["State"] for d in th.get("TargetHealthDescriptions", [])]
                if states and any(s != "healthy" for s in states):
                    ok = False
            if ok:
                return True
            time.sleep(0.5)
        return False

    def down(self):
        subprocess.run([PY, STACKCTL, "down", "--run-dir", self.run_dir],
                       capture_output=True, text=True, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)
