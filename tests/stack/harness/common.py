"""Shared constants and small helpers for the stack harness and its command-line tools.

Everything here is loopback-only: addresses come from 127.0.0.0/8, ports are free
ports found by the kernel, and nothing is ever sent anywhere else.
"""
import errno
import fcntl
import json
import os
import shlex
import socket

STACK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVICES_DIR = os.path.join(STACK_DIR, "services")
DEFAULT_TEMPLATE = os.path.join(STACK_DIR, "template.yaml")
DEFAULT_RUN_DIR = os.path.join(STACK_DIR, ".run")

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"
NGINX = "/usr/sbin/nginx"
NGINX_HINT = "nginx is missing: install it with 'apt-get install nginx' (or 'make deps')"

# Header that marks the harness's own AWS calls so that injected API faults
# (aws-throttle, aws-500, aws-stall) never hit them.
INTERNAL_HEADER = "X-Albcheck-Stack-Internal"

# Every fault `tests/stack/fault` knows, with its arguments (harness/faults.py has them).
FAULT_USAGE = {
    "kill-task": "kill-task SERVICE",
    "kill-all": "kill-all SERVICE",
    "fail-health": "fail-health SERVICE [CODE|timeout]",
    "deregister": "deregister SERVICE",
    "misroute": "misroute PATH_PREFIX SERVICE",
    "repoint-rule": "repoint-rule PATH_PREFIX TARGET_GROUP",
    "stall-deploy": "stall-deploy SERVICE",
    "body": "body SERVICE TEXT",
    "slow": "slow SERVICE MS",
    "hostile-body": "hostile-body SERVICE",
    "huge-body": "huge-body SERVICE",
    "stall-headers": "stall-headers SERVICE",
    "close-mid-body": "close-mid-body SERVICE",
    "log-delay": "log-delay SECONDS",
    "log-drop": "log-drop SERVICE",
    "aws-throttle": "aws-throttle FRACTION",
    "aws-500": "aws-500 FRACTION",
    "aws-stall": "aws-stall FRACTION [SECONDS]",
    "clear": "clear",
}

# Where per-stack loopback /16 blocks are claimed (one lock file per block).
IPBLOCK_DIR = "/tmp/albcheck-stack-ipblocks"


def run_dir_from(arg=None):
    """The run directory: --run-dir, else $STACK_RUN_DIR, else tests/stack/.run."""
    d = arg or os.environ.get("STACK_RUN_DIR") or DEFAULT_RUN_DIR
    return os.path.abspath(d)


def read_env_file(run_dir):
    """Parse <run-dir>/env (lines 'export K=V', V shell-quoted) into a dict; {} if absent."""
    path = os.path.join(run_dir, "env")
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("export "):
                    continue
                k, _, v = line[len("export "):].partition("=")
                parts = shlex.split(v) if v else [""]
                out[k] = parts[0] if parts else ""
    except FileNotFoundError:
        pass
    return out


def write_env_file(run_dir, env):
    """Write env as shell export lines, atomically."""
    path = os.path.join(run_dir, "env")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("# Written by tests/stack/stackctl up; source it: . %s\n" % shlex.quote(path))
        for k, v in env.items():
            f.write("export %s=%s\n" % (k, shlex.quote(str(v))))
    os.replace(tmp, path)


def read_state(run_dir):
    """The daemon's state.json (pid, ports, urls) or None."""
    try:
        with open(os.path.join(run_dir, "state.json"), encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return None


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def pid_alive(pid):
    """True if a process with this pid exists and is not a zombie."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def free_port(host="127.0.0.1"):
    """A port the kernel says is free right now on host (a small race remains)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


class IpBlock:
    """A /16 of loopback addresses (127.B.x.y) owned by one stack for its tasks.

    Ownership is an flock on /tmp/albcheck-stack-ipblocks/<B>.lock held for the
    daemon's life, so concurrent stacks never share task addresses and a crashed
    daemon's block frees itself.
    """

    def __init__(self):
        os.makedirs(IPBLOCK_DIR, exist_ok=True)
        self.block = None
        self._fd = None
        self._next = 2
        start = 10 + (os.getpid() % 240)
        for i in range(240):
            b = 10 + (start - 10 + i) % 240
            fd = os.open(os.path.join(IPBLOCK_DIR, "%d.lock" % b), os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    continue
                raise
            self.block, self._fd = b, fd
            os.set_inheritable(fd, False)
            return
        raise RuntimeError("no free loopback block 127.10-249.x.y (240 stacks running?)")

    def next_ip(self):
        """A fresh address 127.B.hi.lo, never handed out twice by this block."""
        n = self._next
        self._next += 1
        if n % 256 in (0, 255):
            return self.next_ip()
        if n >= 65534:
            raise RuntimeError("loopback block 127.%d.0.0/16 exhausted" % self.block)
        return "127.%d.%d.%d" % (self.block, n // 256, n % 256)

    def release(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
