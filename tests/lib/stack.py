"""Drive the local AWS stack (tests/stack) from Python tests.

    import stack
    env = stack.up(run_dir)                  # dict of the <run-dir>/env exports
    stack.fault("kill-task", "auth-service", run_dir=run_dir)
    stack.clear(run_dir=run_dir)
    stack.down(run_dir=run_dir)

Every call runs the stack's own command-line tools (tests/stack/stackctl and
tests/stack/fault), so tests exercise exactly what a developer types. run_dir None
means $STACK_RUN_DIR, else tests/stack/.run. Failures raise StackError carrying the
tool's output.
"""
import json
import os
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STACK_DIR = os.path.join(ROOT, "tests", "stack")
STACKCTL = os.path.join(STACK_DIR, "stackctl")
FAULT = os.path.join(STACK_DIR, "fault")


class StackError(RuntimeError):
    pass


def _run_dir(run_dir):
    return os.path.abspath(run_dir or os.environ.get("STACK_RUN_DIR") or os.path.join(STACK_DIR, ".run"))


def _run(argv, timeout):
    p = subprocess.run([sys.executable] + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, text=True)
    if p.returncode != 0:
        raise StackError("%s failed (exit %d):\n%s" % (" ".join(os.path.basename(a) for a in argv[:2]),
                                                     p.returncode, p.stdout))
    return p.stdout


def env(run_dir=None):
    """The stack's exports (AWS_ENDPOINT_URL, ALB_DNS_NAME, ALBCHECK_CONNECT_TO, ...); {} if down."""
    path = os.path.join(_run_dir(run_dir), "env")
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("export ") and "=" in line:
                    k, v = line[len("export "):].rstrip("\n").split("=", 1)
                    if len(v) >= 2 and v[0] == v[-1] == "'":
                        v = v[1:-1].replace("'\"'\"'", "'")
                    out[k] = v
    except FileNotFoundError:
        pass
    return out


def up(run_dir=None, template=None, tasks=2, timeout=120):
    """Start the stack (idempotent) and return its env dict. tasks=None keeps the template's counts."""
    argv = [STACKCTL, "up", "--run-dir", _run_dir(run_dir)]
    if template:
        argv += ["--template", os.path.abspath(template)]
    if tasks is not None:
        argv += ["--tasks", str(tasks)]
    _run(argv, timeout)
    return env(run_dir)


def fault(name, *args, run_dir=None, timeout=180):
    """Inject a fault (see tests/stack/fault --list); returns the stack's one-line message."""
    out = _run([FAULT, "--run-dir", _run_dir(run_dir), name] + [str(a) for a in args], timeout)
    return out.strip()


def clear(run_dir=None, timeout=180):
    """Undo every fault and wait until the stack is healthy again."""
    return fault("clear", run_dir=run_dir, timeout=timeout)


def down(run_dir=None, timeout=60):
    """Stop every process of the stack and remove its run directory."""
    return _run([STACKCTL, "down", "--run-dir", _run_dir(run_dir)], timeout).strip()


def status(run_dir=None):
    """The daemon's status document (services, tasks, targets, faults, AWS call counts)."""
    url = env(run_dir).get("STACK_CONTROL_URL")
    if not url:
        raise StackError("no stack running in %s" % _run_dir(run_dir))
    with urllib.request.urlopen(url + "/status", timeout=10) as r:
        return json.loads(r.read())
