#!/usr/bin/env python3
"""Differential test: albcheck's SigV4 signer against botocore's SigV4Auth.

A few hundred seeded-random requests are signed by both at a fixed time
(botocore's clock is frozen by patching botocore.auth.get_current_datetime)
and must give the same canonical request, signature and Authorization header.
The C side is $BUILDDIR/tests/tools/sigv4_sign (JSON lines in and out).

One TAP case per input class (odd paths, query keys, reserved characters,
header case and folding, duplicate headers, bodies, session tokens, the
client's own request shapes); a failing case shows its first mismatches.

Inputs are limited to what both signers must agree on; where botocore
behaves differently by design we do not generate the input:
  - a Date header (botocore then signs Date instead of X-Amz-Date);
  - an X-Amz-Content-SHA256 header (botocore takes its value as the payload
    hash; albcheck hashes the body and, for Query/JSON services, never sends
    that header);
  - header values with Unicode whitespace or ASCII separators \\x1c-\\x1f
    (Python's str.split() collapses them, the SigV4 spec only trims
    spaces/tabs; albcheck follows the spec plus CR/LF/VT/FF);
  - a raw '+' in the query (botocore is given decoded parameters, albcheck
    the query line; albcheck reads '+' as a literal plus, so the generator
    sends it as %2B);
  - paths are always normalised (botocore's SigV4Auth always does; the
    unnormalised S3 form is covered by the official vectors).
Folded header values ("a\\r\\n  b") are sent to both: each collapses the fold
to one space, as the vectors' multi-line case expects after unfolding.
"""
import base64
import datetime
import json
import os
import random
import subprocess
import sys
from unittest import mock
from urllib.parse import quote

from tap import Tap

SEED = int(os.environ.get("SIGV4_SEED", "20150830"))
PER_GROUP = 30


def tool_path():
    builddir = os.environ.get("BUILDDIR", "build/debug")
    return os.path.join(builddir, "tests", "tools", "sigv4_sign")


UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
SUBDELIMS = "!$'()*,;:@/"          # legal raw in a query component
MUST_ENCODE = " +&=%#?\"<>[]\\^`{|}"
UNICODE = ["é", "ü", "ß", "日本", "Ω", "😀", "ñ", "ä"]


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def word(self, alphabet=UNRESERVED, lo=1, hi=8):
        return "".join(self.r.choice(alphabet) for _ in range(self.r.randint(lo, hi)))

    def text(self, lo=0, hi=10, unicode=True, reserved=True):
        out = []
        for _ in range(self.r.randint(lo, hi)):
            k = self.r.random()
            if k < 0.55:
                out.append(self.r.choice(UNRESERVED))
            elif k < 0.75 and reserved:
                out.append(self.r.choice(SUBDELIMS + MUST_ENCODE))
            elif k < 0.9 and unicode:
                out.append(self.r.choice(UNICODE))
            else:
                out.append(self.r.choice(UNRESERVED))
        return "".join(out)

    def encode_component(self, s):
        """One of many valid wire encodings of a query component."""
        out = []
        for ch in s:
            if ch in UNRESERVED:
                out.append(ch if self.r.random() < 0.9 else "%%%02X" % ord(ch))
            elif ch in SUBDELIMS and ch not in "&=+" and self.r.random() < 0.5:
                out.append(ch)
            else:
                for b in ch.encode("utf-8"):
                    fmt = "%%%02X" if self.r.random() < 0.7 else "%%%02x"
                    out.append(fmt % b)
        return "".join(out)

    def query(self, n_lo=0, n_hi=5, repeated=False, unicode=False):
        params = []
        for _ in range(self.r.randint(n_lo, n_hi)):
            key = self.text(0 if repeated else 1, 6, unicode=unicode)
            if not key:
                key = self.word()
            val = self.text(0, 8, unicode=unicode)
            params.append((key, val))
            if repeated and self.r.random() < 0.5:
                params.append((key, self.text(0, 5, unicode=unicode)))
        if repeated and params and self.r.random() < 0.5:
            params.append((params[0][0], params[0][1]))      # an exact duplicate
        parts = []
        for k, v in params:
            if v == "" and self.r.random() < 0.5:
                parts.append(self.encode_component(k))      # "key" without '='
            else:
                parts.append(self.encode_component(k) + "=" + self.encode_component(v))
        return params, "&".join(parts)

    def path(self):
        segs = []
        for _ in range(self.r.randint(0, 6)):
            k = self.r.random()
            if k < 0.15:
                segs.append(".")
            elif k < 0.3:
                segs.append("..")
            elif k < 0.4:
                segs.append("")
            elif k < 0.55:
                # an already-encoded segment: '%' is encoded again
                segs.append(quote(self.text(1, 5), safe=""))
            elif k < 0.7:
                segs.append(self.word(UNRESERVED + "!$&'()*+,;=:@", 1, 6))
            elif k < 0.8:
                segs.append(self.r.choice(UNICODE) + self.word())
            elif k < 0.85:
                segs.append("a b")
            else:
                segs.append(self.word())
        p = "/" + "/".join(segs)
        if self.r.random() < 0.3:
            p += "/"
        if self.r.random() < 0.05:
            p = ""
        return p

    def header_value(self, fold=False):
        parts = [self.text(0, 8, unicode=self.r.random() < 0.3, reserved=True)]
        for _ in range(self.r.randint(0, 3)):
            sep = self.r.choice([" ", "  ", "\t", " \t  "])
            if fold:
                sep = self.r.choice(["\r\n ", "\r\n\t", "\n   "])
            parts.append(sep)
            parts.append(self.word(UNRESERVED + "\"',;:/=", 1, 6))
        v = "".join(parts)
        pad = ["", " ", "  ", "\t"]
        return self.r.choice(pad) + v + self.r.choice(pad)

    def name_case(self, name):
        k = self.r.random()
        if k < 0.3:
            return name.lower()
        if k < 0.5:
            return name.upper()
        if k < 0.7:
            return "".join(c.upper() if self.r.random() < 0.5 else c.lower() for c in name)
        return name


SERVICES = [("elasticloadbalancing", "elasticloadbalancing.us-east-1.amazonaws.com"),
            ("ecs", "ecs.eu-west-1.amazonaws.com"), ("logs", "logs.ap-southeast-2.amazonaws.com"),
            ("sts", "sts.amazonaws.com"), ("service", "example.amazonaws.com")]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"]
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def base_request(g):
    service, host = g.r.choice(SERVICES)
    if g.r.random() < 0.4:
        host += ":%d" % g.r.choice([443, 8443, 4566, 5000])
    return {
        "method": g.r.choice(["GET", "POST", "PUT", "DELETE", "HEAD"]),
        "path": "/", "params": [], "query": "",
        "headers": [[g.name_case("Host"), host]],
        "body": b"",
        "access_key": "AKID" + g.word("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16, 16),
        "secret_key": g.word(TOKEN_CHARS, 40, 40),
        "token": None,
        "region": g.r.choice(REGIONS), "service": service,
        "time": g.r.randint(946684800, 2145916800),   # 2000 … 2038
    }


def form_body(g):
    params = [("Action", g.r.choice(["DescribeLoadBalancers", "DescribeRules", "AssumeRole"])),
              ("Version", "2015-12-01")]
    for i in range(g.r.randint(0, 4)):
        params.append(("Names.member.%d" % (i + 1), g.text(1, 12)))
    return "&".join(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for k, v in params).encode()


def json_body(g):
    obj = {"cluster": g.text(1, 10), "maxResults": g.r.randint(1, 100),
           "services": [g.text(1, 8) for _ in range(g.r.randint(0, 3))]}
    if g.r.random() < 0.3:
        return b"{}"
    return json.dumps(obj, ensure_ascii=g.r.random() < 0.5).encode("utf-8")


def add_token(g, req):
    req["token"] = g.word(TOKEN_CHARS, 40, 300) + g.r.choice(["", "=", "=="])


def add_extra_headers(g, req, n_hi=4, fold=False, dup=False):
    names = ["X-Amz-Target", "Content-Type", "X-Custom-Header", "My-Header1", "Accept",
             "X-Amz-User-Agent", "User-Agent", "Content-Length", "X-Amzn-Trace-Id", "Expect",
             "Connection", "X-Amz-Date", "Authorization"]
    for _ in range(g.r.randint(1, n_hi)):
        name = g.r.choice(names)
        req["headers"].append([g.name_case(name), g.header_value(fold=fold)])
        if dup and g.r.random() < 0.6:
            req["headers"].append([g.name_case(name), g.header_value(fold=fold)])


def client_request(g, req, kind):
    """The shapes albcheck's client really sends."""
    req["method"] = "POST"
    req["path"] = "/"
    if kind == "form":
        req["body"] = form_body(g)
        req["headers"].append(["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"])
    else:
        req["body"] = json_body(g)
        req["headers"].append(["Content-Type", "application/x-amz-json-1.1"])
        req["headers"].append(["X-Amz-Target", g.r.choice(
            ["AmazonEC2ContainerServiceV20141113.DescribeServices", "Logs_20140328.FilterLogEvents"])])
    req["headers"].append(["Content-Length", str(len(req["body"]))])
    if g.r.random() < 0.5:
        req["headers"].append(["User-Agent", "albcheck/0.1.0"])
    if g.r.random() < 0.4:
        add_token(g, req)


def gen_group(g, cls):
    req = base_request(g)
    if cls == "odd paths":
        req["path"] = g.path()
    elif cls == "repeated and unicode query keys":
        req["params"], req["query"] = g.query(1, 5, repeated=True, unicode=True)
    elif cls == "reserved characters in query and path":
        req["params"], req["query"] = g.query(1, 6)
        req["path"] = "/" + quote(g.text(1, 10), safe="/!$&'()*+,;=:@")
    elif cls == "header case, whitespace and folding":
        add_extra_headers(g, req, 5, fold=g.r.random() < 0.5)
    elif cls == "duplicate headers":
        add_extra_headers(g, req, 4, dup=True)
    elif cls == "empty bodies":
        req["method"] = g.r.choice(["GET", "POST", "DELETE"])
        req["params"], req["query"] = g.query(0, 3)
    elif cls == "form bodies":
        client_request(g, req, "form")
    elif cls == "JSON bodies":
        client_request(g, req, "json")
    elif cls == "binary bodies":
        req["body"] = bytes(g.r.randrange(256) for _ in range(g.r.randint(1, 300)))
    elif cls == "session tokens":
        add_token(g, req)
        if g.r.random() < 0.3:   # a stale token header is replaced by the credentials' one
            req["headers"].append(["X-Amz-Security-Token", "stale"])
    elif cls == "everything at once":
        req["path"] = g.path()
        req["params"], req["query"] = g.query(0, 5, repeated=True, unicode=True)
        add_extra_headers(g, req, 5, fold=g.r.random() < 0.3, dup=True)
        req["body"] = g.r.choice([b"", form_body(g), json_body(g)])
        if g.r.random() < 0.5:
            add_token(g, req)
    return req


CLASSES = ["odd paths", "repeated and unicode query keys", "reserved characters in query and path",
           "header case, whitespace and folding", "duplicate headers", "empty bodies",
           "form bodies", "JSON bodies", "binary bodies", "session tokens", "everything at once"]


def botocore_sign(req):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    captured = {}

    class Capturing(SigV4Auth):
        def canonical_request(self, request):
            cr = super().canonical_request(request)
            captured["cr"] = cr
            return cr

        def signature(self, string_to_sign, request):
            sig = super().signature(string_to_sign, request)
            captured["sig"] = sig
            return sig

    host = [v for n, v in req["headers"] if n.lower() == "host"][0]
    url = "https://" + host + req["path"]
    areq = AWSRequest(method=req["method"], url=url, data=req["body"],
                      params=list(req["params"]))
    for name, value in req["headers"]:
        areq.headers[name] = value          # HTTPHeaders appends: duplicates kept in order
    creds = Credentials(req["access_key"], req["secret_key"], req["token"])
    now = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=req["time"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        Capturing(creds, req["service"], req["region"]).add_auth(areq)
    return {"canonical_request": captured["cr"], "signature": captured["sig"],
            "authorization": areq.headers["Authorization"]}


def to_line(req):
    return json.dumps({
        "method": req["method"], "path": req["path"], "query": req["query"],
        "headers": req["headers"], "body_b64": base64.b64encode(req["body"]).decode(),
        "access_key": req["access_key"], "secret_key": req["secret_key"], "token": req["token"],
        "region": req["region"], "service": req["service"], "time": req["time"],
        "normalize": True, "sign_body": False,
    })


def first_diff(a, b):
    al, bl = a.split("\n"), b.split("\n")
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return "line %d: albcheck %r, botocore %r" % (i + 1, x, y)
    return "line count: albcheck %d, botocore %d" % (len(al), len(bl))


def main():
    t = Tap()
    tool = tool_path()
    if not os.access(tool, os.X_OK):
        t.ok(False, "sigv4_sign tool is built", diag="not found: %s (run make unit)" % tool)
        return t.done()
    try:
        import botocore  # noqa: F401
    except ImportError:
        t.skip("sigv4 vs botocore", "botocore is not installed")
        return t.done()
    rnd = random.Random(SEED)
    g = Gen(rnd)
    groups = [(cls, [gen_group(g, cls) for _ in range(PER_GROUP)]) for cls in CLASSES]
    lines = "".join(to_line(r) + "\n" for _, reqs in groups for r in reqs)
    proc = subprocess.run([tool], input=lines.encode(), stdout=subprocess.PIPE, timeout=60)
    outs = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    total = sum(len(r) for _, r in groups)
    if not t.ok(proc.returncode == 0 and len(outs) == total,
                "sigv4_sign answered every request (%d)" % total,
                diag="exit %d, %d answers" % (proc.returncode, len(outs))):
        return t.done()
    k = 0
    for cls, reqs in groups:
        problems = []
        for req in reqs:
            got = outs[k]
            k += 1
            want = botocore_sign(req)
            if "error" in got:
                problems.append("%s: albcheck error: %s" % (to_line(req), got["error"]))
            elif got["canonical_request"] != want["canonical_request"]:
                problems.append("canonical request differs at %s\n  request: %s" %
                                (first_diff(got["canonical_request"], want["canonical_request"]),
                                 to_line(req)))
            elif got["signature"] != want["signature"] or got["authorization"] != want["authorization"]:
                problems.append("signature differs: %s vs %s" % (got["signature"], want["signature"]))
        t.ok(not problems, "%s: %d requests sign as botocore signs them (seed %d)" %
             (cls, len(reqs), SEED), diag="\n".join(problems[:3]))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
