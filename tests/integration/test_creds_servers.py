#!/usr/bin/env python3
"""Credential providers against loopback servers and scripts.

Runs $BUILDDIR/tests/tools/creds_probe with a fresh HOME, config files and a
scrubbed environment (the developer's own ~/.aws never leaks in) against:
  * an ECS container-credentials server (full URI; Authorization token from
    the environment and from a file that is re-read; bad tokens refused);
  * an IMDS server (IMDSv2 token PUT, role, credentials; 403 on the PUT →
    IMDSv1; AWS_EC2_METADATA_DISABLED);
  * credential_process scripts (good, bad JSON, non-zero exit, timeout,
    expiring keys refreshed).
No secret may appear in the probe's output.
"""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tap import Tap

t = Tap()
BUILDDIR = os.environ.get("BUILDDIR", os.path.abspath("build/debug"))
PROBE = os.path.join(BUILDDIR, "tests", "tools", "creds_probe")
SECRETS = set()


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A loopback HTTP server whose handler is a function(req) -> (status, body)."""

    def __init__(self, handler):
        self.requests = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                outer.requests.append((self.command, self.path, dict(self.headers)))
                status, body = handler(self)
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = _any

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def creds_json(n, expires_in=3600, token_key="Token"):
    secret = "sEcReT/%d+abcdefghijklmnop" % n
    SECRETS.add(secret)
    d = {"AccessKeyId": "ASIAKEY%d" % n, "SecretAccessKey": secret,
         token_key: "TOKEN-%d-xyz" % n, "Expiration": iso(time.time() + expires_in)}
    SECRETS.add(d[token_key])
    return d


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="albcheck-creds-")
        self.home = os.path.join(self.dir, "home")
        os.makedirs(os.path.join(self.home, ".aws"))
        self.config = os.path.join(self.home, ".aws", "config")
        self.creds = os.path.join(self.home, ".aws", "credentials")
        self.imds = "http://127.0.0.1:%d" % closed_port()

    def write(self, name, text, mode=0o600):
        p = os.path.join(self.dir, name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def run(self, *args, env=None, config=None):
        if config is not None:
            with open(self.config, "w") as f:
                f.write(config)
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
             "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds}
        e.update(env or {})
        p = subprocess.run([PROBE, "--timeout-ms", "1000"] + list(args), env=e,
                           capture_output=True, text=True, timeout=30)
        out = p.stdout + p.stderr
        for s in SECRETS:
            if s in out:
                t.ok(False, "secret leaked in probe output", diag=out)
        return p.returncode, p.stdout, p.stderr

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def field(out, name, nth=1):
    vals = [l.split(": ", 1)[1] for l in out.splitlines() if l.startswith(name + ": ")]
    return vals[nth - 1] if len(vals) >= nth else None


def container_tests(env):
    tokens_seen = []
    state = {"n": 0}
    token_file = env.write("ecs-token", "file-token-1\n")

    def handler(req):
        auth = req.headers.get("Authorization")
        tokens_seen.append(auth)
        if req.path != "/creds":
            return 404, "{}"
        if auth not in ("env-token", "file-token-1", "file-token-2"):
            return 401, '{"message":"bad token"}'
        if auth == "file-token-1":
            # Rotate the token file as EKS does: the next fetch must re-read it.
            with open(token_file, "w") as f:
                f.write("file-token-2")
        state["n"] += 1
        return 200, json.dumps(creds_json(100 + state["n"]))

    srv = Server(handler)
    try:
        uri = srv.url + "/creds"
        rc, out, err = env.run(env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token"})
        t.eq(rc, 0, "container: full URI with token from the environment succeeds")
        t.eq(field(out, "source"), "container credentials", "container: provider named")
        t.eq(field(out, "access_key_id"), "ASIAKEY101", "container: access key id from the server")
        t.eq(field(out, "secret_sha256"), sha("sEcReT/101+abcdefghijklmnop"),
             "container: secret passed through (checked by hash)")
        t.eq(tokens_seen[-1], "env-token", "container: Authorization header is the raw token")
        t.eq(srv.requests[-1][2].get("Accept"), "application/json", "container: Accept header sent")

        del tokens_seen[:]
        rc, out, err = env.run("--gets", "2", "--advance", "3000",
                               env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file})
        t.eq(rc, 0, "container: token from a file succeeds", )
        t.eq(tokens_seen, ["file-token-1", "file-token-2"],
             "container: the token file wins over the variable and is re-read on refresh")
        t.eq((field(out, "access_key_id", 1), field(out, "access_key_id", 2)),
             ("ASIAKEY102", "ASIAKEY103"), "container: credentials refreshed near expiry")

        rc, out, err = env.run("--profile", "ops", "--fake-sts",
                               env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token"},
                               config="[profile ops]\nrole_arn = arn:aws:iam::1:role/ops\n"
                                      "credential_source = EcsContainer\nexternal_id = e-1\n")
        t.ok(rc == 0 and "sts: AssumeRole role_arn=arn:aws:iam::1:role/ops" in err
             and "external_id=e-1" in err and "source_key=ASIAKEY104" in err,
             "container: credential_source EcsContainer signs AssumeRole with container keys",
             diag=out + err)
        t.eq(field(out, "source"), "assume role arn:aws:iam::1:role/ops via credential_source "
             "EcsContainer", "container: assume-role provider named with its source")
        with open(env.config, "w") as f:
            f.write("")

        rc, out, err = env.run(env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"})
        t.ok(rc == 3 and "answered HTTP 401" in err and "wrong" not in err,
             "container: a refused token is an error naming the source", diag=err)

        n_before = len(srv.requests)
        rc, out, err = env.run(env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token\r\nX-Evil: 1"})
        t.ok(rc == 3 and "CR or LF" in err and len(srv.requests) == n_before,
             "container: a token with CR/LF is refused before any request", diag=err)

        bad = env.write("bad-token", "a\nb\n")
        rc, out, err = env.run(env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": bad})
        t.ok(rc == 3 and "CR or LF" in err, "container: a token file with an inner newline is refused",
             diag=err)

        rc, out, err = env.run(env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/creds"})
        t.ok(rc == 3 and "is not allowed" in err, "container: a non-allowed host is refused", diag=err)

        rc, out, err = env.run(env={"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                    "http://localhost:%d/creds" % closed_port()})
        t.ok(rc == 3 and "container credentials" in err and "tried" not in err,
             "container: configured but unreachable is an error, not a fall-through", diag=err)
    finally:
        srv.stop()


def imds_tests(env):
    mode = {"put": 200}
    TOKEN = "imds-session-token"

    def handler(req):
        if req.command == "PUT" and req.path == "/latest/api/token":
            if mode["put"] != 200:
                return mode["put"], ""
            if req.headers.get("x-aws-ec2-metadata-token-ttl-seconds") != "21600":
                return 400, ""
            return 200, TOKEN
        if mode["put"] == 200 and req.headers.get("x-aws-ec2-metadata-token") != TOKEN:
            return 401, ""
        if req.path == "/latest/meta-data/iam/security-credentials/":
            return 200, "my-role\n"
        if req.path == "/latest/meta-data/iam/security-credentials/my-role":
            d = creds_json(200)
            d.update({"Code": "Success", "Type": "AWS-HMAC"})
            return 200, json.dumps(d)
        return 404, ""

    srv = Server(handler)
    try:
        rc, out, err = env.run(env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.url})
        t.eq(rc, 0, "imds: IMDSv2 succeeds")
        t.eq(field(out, "source"), "instance metadata (role my-role)", "imds: provider and role named")
        t.eq(field(out, "access_key_id"), "ASIAKEY200", "imds: access key id")
        t.eq([(m, p) for m, p, h in srv.requests],
             [("PUT", "/latest/api/token"), ("GET", "/latest/meta-data/iam/security-credentials/"),
              ("GET", "/latest/meta-data/iam/security-credentials/my-role")],
             "imds: token PUT, then role, then credentials")
        t.ok(all(h.get("x-aws-ec2-metadata-token") == TOKEN for m, p, h in srv.requests[1:]),
             "imds: GETs carry the session token")

        rc, out, err = env.run("--profile", "ec2", "--fake-sts",
                               env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.url},
                               config="[profile ec2]\nrole_arn = arn:aws:iam::1:role/x\n"
                                      "credential_source = Ec2InstanceMetadata\n")
        t.ok(rc == 0 and "source_key=ASIAKEY200" in err,
             "imds: credential_source Ec2InstanceMetadata sources AssumeRole", diag=out + err)
        with open(env.config, "w") as f:
            f.write("")

        del srv.requests[:]
        mode["put"] = 403
        rc, out, err = env.run(env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.url})
        t.ok(rc == 0 and field(out, "access_key_id") == "ASIAKEY200",
             "imds: 403 on the token PUT falls back to IMDSv1", diag=err)
        t.ok(len(srv.requests) == 3 and all("x-aws-ec2-metadata-token" not in h
                                            for m, p, h in srv.requests[1:]),
             "imds: IMDSv1 GETs carry no token", diag=srv.requests)

        rc, out, err = env.run(env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.url,
                                    "AWS_EC2_METADATA_V1_DISABLED": "true"})
        t.ok(rc == 3 and "IMDSv1 is disabled" in err, "imds: no fallback when IMDSv1 is disabled",
             diag=err)

        del srv.requests[:]
        mode["put"] = 200
        rc, out, err = env.run(env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.url,
                                    "AWS_EC2_METADATA_DISABLED": "true"})
        t.ok(rc == 3 and "disabled by AWS_EC2_METADATA_DISABLED" in err and not srv.requests,
             "imds: AWS_EC2_METADATA_DISABLED makes no request and says so", diag=err)
        t.ok("no AWS credentials found; tried: environment, web identity, shared credentials file"
             in err and "container credentials (not configured)" in err,
             "imds: the failure lists every source tried", diag=err)
    finally:
        srv.stop()


def process_tests(env):
    counter = env.write("counter", "0")
    good = env.write("good.sh", """#!/bin/sh
n=$(cat %s); n=$((n+1)); echo $n > %s
exp=$(date -u -d "@$(( $(date +%%s) + 1800 ))" +%%Y-%%m-%%dT%%H:%%M:%%SZ)
printf '{"Version": 1, "AccessKeyId": "AKIDPROC%%s", "SecretAccessKey": "proc-secret-%%s", "SessionToken": "proc-token", "Expiration": "%%s"}' $n $n $exp
""" % (counter, counter), 0o755)
    SECRETS.update({"proc-secret-1", "proc-secret-2", "proc-secret-3", "proc-token"})
    cfg = "[default]\ncredential_process = %s\n"

    rc, out, err = env.run(config=cfg % good)
    t.eq(rc, 0, "process: a good script succeeds")
    t.eq(field(out, "source"), "credential_process (profile default)", "process: provider named")
    t.eq(field(out, "access_key_id"), "AKIDPROC1", "process: access key id from stdout")
    t.eq(field(out, "secret_sha256"), sha("proc-secret-1"), "process: secret (by hash)")

    rc, out, err = env.run("--gets", "3", "--advance", "600", config=cfg % good)
    t.eq([field(out, "access_key_id", i) for i in (1, 2, 3)], ["AKIDPROC2", "AKIDPROC2", "AKIDPROC3"],
         "process: keys expiring in 30 min are kept at 20 min left, then refreshed inside the 15 min window")

    bad = env.write("bad.sh", "#!/bin/sh\necho 'not json {'\n", 0o755)
    rc, out, err = env.run(config=cfg % bad)
    t.ok(rc == 3 and "credential_process (profile default)" in err and "JSON" in err,
         "process: bad JSON is an error naming the source", diag=err)

    v2 = env.write("v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"a\", "
                   "\"SecretAccessKey\": \"b\"}'\n", 0o755)
    rc, out, err = env.run(config=cfg % v2)
    t.ok(rc == 3 and "Version" in err, "process: Version other than 1 is refused", diag=err)

    fail = env.write("fail.sh", "#!/bin/sh\necho 'boom: access denied' >&2\necho second >&2\nexit 3\n",
                     0o755)
    rc, out, err = env.run(config=cfg % fail)
    t.ok(rc == 3 and "exited with status 3: boom: access denied" in err and "second" not in err,
         "process: non-zero exit gives the status and stderr's first line", diag=err)

    slow = env.write("slow.sh", "#!/bin/sh\nsleep 20\n", 0o755)
    start = time.time()
    rc, out, err = env.run("--process-timeout-ms", "500", config=cfg % slow)
    t.ok(rc == 3 and "timed out" in err and time.time() - start < 10,
         "process: a hanging command is killed at the timeout", diag=err)

    rc, out, err = env.run(config="[default]\ncredential_process = %s arg1 'two words'\n" %
                           env.write("args.sh", "#!/bin/sh\nprintf '{\"Version\":1,\"AccessKeyId\":\"%s|%s\","
                                     "\"SecretAccessKey\":\"x\"}' \"$1\" \"$2\"\n", 0o755))
    t.eq(field(out, "access_key_id"), "arg1|two words", "process: command run through /bin/sh -c")


def main():
    if not os.access(PROBE, os.X_OK):
        t.ok(False, "creds_probe is built", diag="missing " + PROBE)
        return t.done()
    env = Env()
    try:
        for name, fn in (("container", container_tests), ("imds", imds_tests),
                         ("process", process_tests)):
            try:
                fn(env)
            except Exception as ex:  # noqa: BLE001
                import traceback
                t.ok(False, name + " tests ran", diag=traceback.format_exc())
    finally:
        env.cleanup()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
