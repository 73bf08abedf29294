"""The AWS API front door: moto's WSGI app wrapped for locking, counting and API faults.

Every AWS API call to the stack's endpoint passes through AwsApi:
  - calls are counted per service and operation (GET /status on the control API);
  - the faults `aws-throttle`, `aws-500` and `aws-stall` pick exactly FRACTION of the
    calls (deterministically: an error-diffusion accumulator, so 0.5 means every
    second call) and answer them with a throttling error or a 500 in the protocol's
    own error format (Query XML for ELBv2/STS/CloudFormation/IAM, EC2's XML, JSON 1.1
    for ECS/Logs/ECR), or hold them unanswered for SECONDS (default 120);
  - the call then runs inside the stack's state lock, so the harness threads that
    change moto's state in-process never race with a request;
  - a write to ELBv2 or ECS wakes the harness (data plane regeneration, ECS
    reconciliation).
The harness's own calls carry INTERNAL_HEADER and are never faulted. moto's own
/moto-api/ endpoints are passed through untouched.
"""
import io
import json
import re
import threading
import urllib.parse
import uuid

from .common import INTERNAL_HEADER

_SCOPE = re.compile(r"Credential=[^/]*/[^/]*/[^/]*/([^/]*)/aws4_request")

QUERY_NS = {
    "elasticloadbalancing": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "cloudformation": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "autoscaling": "http://autoscaling.amazonaws.com/doc/2011-01-01/",
    "monitoring": "http://monitoring.amazonaws.com/doc/2010-08-01/",
}
JSON_SERVER_ERROR = {
    "ecs": ("ServerException", "Service Unavailable. Please try again later."),
    "ecr": ("ServerException", "Service Unavailable. Please try again later."),
    "logs": ("ServiceUnavailableException", "The service cannot complete the request."),
}
JSON_THROTTLE = {
    "dynamodb": "ThrottlingException",
}


class Selector:
    """Picks exactly `fraction` of the calls it sees, evenly spread."""

    def __init__(self, fraction=0.0):
        self.fraction = max(0.0, min(1.0, float(fraction)))
        self._acc = 0.0
        self._lock = threading.Lock()

    def pick(self):
        if self.fraction <= 0:
            return False
        with self._lock:
            self._acc += self.fraction
            if self._acc >= 1.0 - 1e-9:
                self._acc -= 1.0
                return True
            return False


class AwsApi:
    def __init__(self, app, lock, token, on_write=None, log=None):
        self.app = app
        self.lock = lock
        self.token = token
        self.on_write = on_write or (lambda service, op: None)
        self.log = log or (lambda msg: None)
        self.throttle = Selector()
        self.error500 = Selector()
        self.stall = Selector()
        self.stall_seconds = 120.0
        self._release = threading.Event()
        self.counts = {}
        self._count_lock = threading.Lock()

    # ---------------------------------------------------------------- faults
    def set_fault(self, kind, fraction, seconds=None):
        sel = Selector(fraction)
        if kind == "aws-throttle":
            self.throttle = sel
        elif kind == "aws-500":
            self.error500 = sel
        elif kind == "aws-stall":
            self.stall = sel
            if seconds is not None:
                self.stall_seconds = float(seconds)
        else:
            raise ValueError(kind)

    def clear_faults(self):
        self.throttle, self.error500, self.stall = Selector(), Selector(), Selector()
        self.stall_seconds = 120.0
        old, self._release = self._release, threading.Event()
        old.set()  # calls held by aws-stall are answered now

    def release_all(self):
        self._release.set()

    def active_faults(self):
        out = {}
        for name, sel in (("aws-throttle", self.throttle), ("aws-500", self.error500),
                          ("aws-stall", self.stall)):
            if sel.fraction > 0:
                out[name] = sel.fraction
        if "aws-stall" in out:
            out["aws-stall-seconds"] = self.stall_seconds
        return out

    def reset_counts(self):
        with self._count_lock:
            self.counts = {}

    # ---------------------------------------------------------------- WSGI
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api"):
            with self.lock:
                return self._run(environ, start_response)
        service, op, protocol = self._identify(environ)
        internal = environ.get("HTTP_" + INTERNAL_HEADER.upper().replace("-", "_")) == self.token
        if not internal:
            key = "%s:%s" % (service, op)
            with self._count_lock:
                self.counts[key] = self.counts.get(key, 0) + 1
            if self.stall.pick():
                self.log("aws-stall: holding %s for %.0fs" % (key, self.stall_seconds))
                self._release.wait(self.stall_seconds)
            elif self.error500.pick():
                return self._error(start_response, service, protocol, 500)
            elif self.throttle.pick():
                return self._error(start_response, service, protocol, 400)
        with self.lock:
            result = self._run(environ, start_response)
        if service in ("elasticloadbalancing", "ecs") and not re.match(r"(Describe|List|Get)", op):
            self.on_write(service, op)
        return result

    def _run(self, environ, start_response):
        captured = {}

        def sr(status, headers, exc_info=None):
            captured["s"] = (status, headers, exc_info)
            return lambda data: captured.setdefault("w", []).append(data)

        it = self.app(environ, sr)
        try:
            body = b"".join(it)
        finally:
            if hasattr(it, "close"):
                it.close()
        status, headers, exc_info = captured["s"]
        start_response(status, headers, exc_info)
        return [b"".join(captured.get("w", [])) + body]

    @staticmethod
    def _identify(environ):
        """(service, operation, protocol) of an AWS call; body is buffered and restored."""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        m = _SCOPE.search(auth)
        service = m.group(1) if m else "unknown"
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            return service, target.rsplit(".", 1)[-1], "json"
        ctype = environ.get("CONTENT_TYPE", "")
        if "json" in ctype:
            return service, "unknown", "json"
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        if environ.get("REQUEST_METHOD") == "POST" and "x-www-form-urlencoded" in ctype:
            try:
                n = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                n = 0
            body = environ["wsgi.input"].read(n) if n > 0 else b""
            environ["wsgi.input"] = io.BytesIO(body)
            params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        op = (params.get("Action") or ["unknown"])[0]
        return service, op, ("ec2" if service == "ec2" else "query")

    @staticmethod
    def _error(start_response, service, protocol, status):
        rid = str(uuid.uuid4())
        if protocol == "json":
            if status == 400:
                code, msg = JSON_THROTTLE.get(service, "ThrottlingException"), "Rate exceeded"
            else:
                code, msg = JSON_SERVER_ERROR.get(service, ("InternalFailure", "Internal server error"))
            body = json.dumps({"__type": code, "message": msg}).encode()
            headers = [("Content-Type", "application/x-amz-json-1.1"),
                       ("x-amzn-RequestId", rid), ("x-amzn-ErrorType", code)]
            reason = "Bad Request" if status == 400 else "Internal Server Error"
        elif protocol == "ec2":
            if status == 400:
                status, code, msg = 503, "RequestLimitExceeded", "Request limit exceeded."
            else:
                code, msg = "InternalError", "An internal error has occurred"
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
                    '<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>'
                    % (code, msg, rid)).encode()
            headers = [("Content-Type", "text/xml;charset=UTF-8")]
            reason = "Service Unavailable" if status == 503 else "Internal Server Error"
        else:
            ns = QUERY_NS.get(service, "http://%s.amazonaws.com/doc/" % service)
            if status == 400:
                etype, code, msg = "Sender", "Throttling", "Rate exceeded"
            else:
                etype, code, msg = ("Receiver", "InternalFailure", "The request processing has failed "
                                    "because of an unknown error, exception or failure.")
            body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
                    '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                    % (ns, etype, code, msg, rid)).encode()
            headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
            reason = "Bad Request" if status == 400 else "Internal Server Error"
        headers.append(("Content-Length", str(len(body))))
        start_response("%d %s" % (status, reason), headers)
        return [body]
