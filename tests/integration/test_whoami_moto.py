#!/usr/bin/env python3
"""`albcheck whoami` against moto's server with signature checking on.

Starts `python3 -m moto.server` on a free loopback port with
INITIAL_NO_AUTH_ACTION_COUNT=4: the first requests (made here with boto3)
create an IAM user, an inline policy allowing everything and an access key;
after them moto checks every signature.  Then albcheck must pass with that
key (text and --json), and be refused with a wrong secret
(SignatureDoesNotMatch) and an unknown key (InvalidClientTokenId): one line on
stderr with moto's code, message and request id, exit 3.  Also the usage
errors of whoami (exit 2, one line).  moto is always stopped.
"""
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time

from tap import Tap

ALBCHECK = os.environ.get("ALBCHECK", os.path.abspath("albcheck"))
PYTHON = os.environ.get("PYTHON", sys.executable)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def albcheck(args, env_extra=None, drop=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(env_extra or {})
    for k in drop:
        env.pop(k, None)
    return subprocess.run([ALBCHECK] + args, capture_output=True, text=True, env=env, timeout=60)


def usage_cases(t):
    cases = [
        (["whoami", "--bogus"], "unknown option '--bogus'"),
        (["whoami", "extra"], "unexpected argument 'extra'"),
        (["whoami", "--region"], "needs a value"),
        (["whoami", "--endpoint-url", "ftp://x"], "--endpoint-url must start with http://"),
    ]
    for args, want in cases:
        p = albcheck(args, {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})
        lines = p.stderr.splitlines()
        t.ok(p.returncode == 2 and len(lines) == 1 and want in lines[0] and not p.stdout,
             "usage: %s → one line, exit 2" % " ".join(args),
             diag="rc=%d stderr=%r" % (p.returncode, p.stderr))
    p = albcheck(["whoami"], {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})
    t.ok(p.returncode == 2 and p.stderr.count("\n") == 1 and
         "no AWS region: use --region, AWS_REGION or AWS_DEFAULT_REGION, or set region in the "
         "profile" in p.stderr, "no region: one line, exit 2", diag=p.stderr)
    p = albcheck(["whoami", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:1/"])
    t.ok(p.returncode == 3 and "no AWS credentials" in p.stderr and p.stderr.count("\n") == 1,
         "no credentials: one line, exit 3", diag="rc=%d %r" % (p.returncode, p.stderr))
    p = albcheck(["whoami", "--help"])
    t.ok(p.returncode == 0 and "--json" in p.stdout, "whoami --help: exit 0, mentions --json")


T0 = time.monotonic()


def stamp(what):
    sys.stderr.write("%6.2fs %s\n" % (time.monotonic() - T0, what))


def main():
    t = Tap()
    if not os.access(ALBCHECK, os.X_OK):
        t.ok(False, "albcheck is built", diag="missing %s" % ALBCHECK)
        return t.done()
    if not (importlib.util.find_spec("moto") and importlib.util.find_spec("boto3")):
        usage_cases(t)
        t.skip("whoami against moto", "moto/boto3 not installed")
        return t.done()

    port = free_port()
    url = "http://127.0.0.1:%d" % port
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="4")
    log = open(os.path.join(os.environ.get("BUILDDIR", "/tmp"), "moto-whoami.log"), "w")
    proc = subprocess.Popen([PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        usage_cases(t)  # while moto starts
        stamp("usage cases")
        if not t.ok(wait_listening(port, proc), "moto server starts on %s" % url):
            return t.done()
        stamp("moto listening")
        import boto3

        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="albcheck")
        iam.put_user_policy(UserName="albcheck", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="albcheck")["AccessKey"]
        stamp("IAM set up")
        kid, secret = key["AccessKeyId"], key["SecretAccessKey"]
        base = ["whoami", "--endpoint-url", url, "--region", "us-east-1"]
        good = {"AWS_ACCESS_KEY_ID": kid, "AWS_SECRET_ACCESS_KEY": secret}

        p = albcheck(base, good)
        t.ok(p.returncode == 0, "whoami with the right key exits 0",
             diag="rc=%d %r" % (p.returncode, p.stderr))
        fields = dict(re.findall(r"^(Account|Arn|UserId)\s+(\S+)$", p.stdout, re.M))
        t.ok(re.fullmatch(r"\d{12}", fields.get("Account", "")) and
             fields.get("Arn", "").endswith(":user/albcheck") and fields.get("UserId"),
             "account, ARN and user id printed", diag=p.stdout)

        p = albcheck(base + ["--json"], good)
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            doc = {}
        t.ok(p.returncode == 0 and doc.get("Arn") == fields.get("Arn") and
             doc.get("Account") == fields.get("Account") and doc.get("UserId") == fields.get("UserId"),
             "--json prints one JSON object with the same identity", diag=p.stdout)

        p = albcheck(["-v"] + base, good)
        t.ok(p.returncode == 0 and "STS.GetCallerIdentity" in p.stderr and secret not in p.stderr
             and "Signature=" not in p.stderr, "-v traces the call without the secret",
             diag=p.stderr)

        p = albcheck(base, {"AWS_ACCESS_KEY_ID": kid, "AWS_SECRET_ACCESS_KEY": secret[:-1] + "X"})
        lines = p.stderr.splitlines()
        t.ok(p.returncode == 3 and len(lines) == 1 and re.fullmatch(
            r"albcheck whoami: GetCallerIdentity: SignatureDoesNotMatch: .+ \(HTTP 403, request id \S+\)",
            lines[0]), "wrong secret: exit 3, one line with moto's code, message, status, request id",
            diag="rc=%d %r" % (p.returncode, p.stderr))
        t.ok(not p.stdout, "wrong secret: nothing on stdout")

        p = albcheck(base, {"AWS_ACCESS_KEY_ID": "AKIAUNKNOWNKEY000000", "AWS_SECRET_ACCESS_KEY": secret})
        t.ok(p.returncode == 3 and re.match(
            r"albcheck whoami: GetCallerIdentity: InvalidClientTokenId: .+ \(HTTP 403, request id \S+\)$",
            p.stderr), "unknown key: InvalidClientTokenId, exit 3",
            diag="rc=%d %r" % (p.returncode, p.stderr))

        p = albcheck(base[:3] + ["--region", "us-east-1"], dict(good, AWS_ENDPOINT_URL="http://127.0.0.1:1"))
        t.ok(p.returncode == 0, "--endpoint-url wins over AWS_ENDPOINT_URL", diag=p.stderr)
        p = albcheck(["whoami"], dict(good, AWS_ENDPOINT_URL_STS=url, AWS_ENDPOINT_URL="http://127.0.0.1:1",
                                      AWS_DEFAULT_REGION="us-east-1"))
        t.ok(p.returncode == 0, "AWS_ENDPOINT_URL_STS and AWS_DEFAULT_REGION are used", diag=p.stderr)
    except Exception as exc:  # noqa: BLE001
        t.ok(False, "moto scenario ran", diag=repr(exc))
    finally:
        stamp("scenario done")
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        stamp("moto stopped")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
