#!/usr/bin/env python3
"""`albcheck validate`: good suites exit 0, each kind of bad input exits 2
with FILE:LINE:COLUMN on stderr, and no AWS endpoint is ever contacted."""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile

from tap import Tap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ALBCHECK = os.environ.get("ALBCHECK") or os.path.join(ROOT, "albcheck")

t = Tap()
tmp = tempfile.mkdtemp(prefix="albcheck-validate-")


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([ALBCHECK] + list(args), capture_output=True, text=True, env=e,
                       cwd=ROOT, timeout=30)
    return p.returncode, p.stdout, p.stderr


# A listening socket standing in for every AWS endpoint: validate must never
# connect to it.
trap = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
trap.bind(("127.0.0.1", 0))
trap.listen(8)
trap.setblocking(False)
trap_url = "http://127.0.0.1:%d" % trap.getsockname()[1]
AWS_ENV = {"AWS_ENDPOINT_URL": trap_url, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
           "AWS_REGION": "us-east-1"}

try:
    # --- the seed suite
    rc, out, err = run("validate", "--endpoint-url", trap_url, "checks/microservices.json",
                       env=AWS_ENV)
    t.eq(rc, 0, "checks/microservices.json validates (exit 0)")
    t.eq(out.strip(), "checks/microservices.json: ok (3 services, 4 probes)",
         "the seed suite: 3 services, 4 probes")
    t.eq(err, "", "nothing on stderr for a valid suite")

    # --- each class of bad input: (what, text, line, column, message fragment)
    H = '{"name":"x",'
    bad = [
        ("JSON syntax error", '{\n  "name": "x",\n}\n', 3, 1, "JSON syntax error"),
        ("unknown key with a suggestion", H + '\n  "servces": []}', 2, 3,
         "unknown key 'servces' in the suite; did you mean 'services'?"),
        ("wrong type", H + '\n  "logs": {"wait_s": "60"}}', 2, 22,
         "logs.wait_s: expected a whole number, got a string"),
        ("missing required field", H + '\n  "services": [\n    {"name": "auth"}]}', 3, 5,
         "services[0]: missing required field 'target_group'"),
        ("invalid regex", H + '\n  "probes": [{"path": "/", "expect": {"body": "Hello (from"}}]}',
         2, 47, "invalid regex: missing closing parenthesis at offset 11 of the pattern"),
        ("status out of range", H + '\n  "probes": [{"path": "/", "expect": {"status": 999}}]}',
         2, 49, "status 999 is outside 100-599"),
        ("path without a leading slash", H + '\n  "probes": [{"path": "auth"}]}', 2, 23,
         "path 'auth' must start with '/'"),
        ("negative timeout", H + '\n  "defaults": {"timeout_ms": -1}}', 2, 30,
         "timeout_ms must not be negative"),
        ("duplicate service", H + '\n  "services": [{"name": "a", "target_group": "t"},\n'
         '               {"name": "a", "target_group": "u"}]}', 3, 25,
         "duplicate service name 'a'"),
        ("probe naming no service", H + '\n  "probes": [{"path": "/", "service": "ghost"}]}', 2, 39,
         "no service is named 'ghost'"),
        ("unknown enum value", H + '\n  "logs": {"mode": "tail"}}', 2, 20,
         "unknown mode 'tail' (allowed: 'filter', 'insights')"),
        ("wait_s out of range", H + '\n  "logs": {"wait_s": 86400}}', 2, 22,
         "wait_s must be from 0 to 3600"),
    ]
    for what, text, line, col, frag in bad:
        path = write(re.sub(r"\W+", "_", what) + ".json", text)
        rc, out, err = run("validate", path, env=AWS_ENV)
        want = "%s:%d:%d: " % (path, line, col)
        t.ok(rc == 2 and err.startswith(want) and frag in err and out == "",
             "%s: exit 2 with %sLINE:COL and the reason" % (what, "FILE:"),
             diag="rc=%d\nstdout=%r\nstderr=%r\nwant %r ... %r" % (rc, out, err, want, frag))

    # --- several files: each judged, exit 2 when any is bad
    good = write("good.json", '{"name": "g", "probes": [{"path": "/"}]}')
    badf = write("bad.json", '{"name": 1}')
    rc, out, err = run("validate", good, badf)
    t.eq(rc, 2, "a good and a bad file: exit 2")
    t.eq(out, "%s: ok (0 services, 1 probe)\n" % good, "the good file is reported ok")
    t.ok(err.startswith("%s:1:10: name: expected a string" % badf), "the bad file's error",
         diag=err)

    # --- --json
    rc, out, err = run("validate", "--json", good, badf)
    doc = json.loads(out)
    t.eq(rc, 2, "--json: exit 2 when a file is bad")
    t.eq([f["ok"] for f in doc["files"]], [True, False], "--json: one entry per file")
    t.eq((doc["files"][1]["line"], doc["files"][1]["column"]), (1, 10),
         "--json: line and column of the error")
    t.eq(doc["ok"], False, "--json: overall verdict")

    # --- usage and I/O errors
    rc, out, err = run("validate")
    t.ok(rc == 2 and "a suite file is needed" in err, "no file: usage error, exit 2", diag=err)
    rc, out, err = run("validate", os.path.join(tmp, "missing.json"))
    t.ok(rc == 2 and "missing.json: No such file" in err, "missing file: exit 2", diag=err)
    rc, out, err = run("validate", "--help")
    t.ok(rc == 0 and "Usage: albcheck validate" in out, "--help: exit 0")

    # --- never touches AWS
    try:
        conn, _ = trap.accept()
        conn.close()
        contacted = True
    except BlockingIOError:
        contacted = False
    t.ok(not contacted, "validate never connects to an AWS endpoint")
finally:
    trap.close()
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)

sys.exit(t.done())
