"""Generic microservice for templates whose services have no folder of their own.

The harness runs it for an ECS service whose image repository is <name>-service
when tests/stack/services/<name>/ does not exist, with SERVICE_NAME=<name>. It
answers every path with "Hello from <Name> Service! Path: <path>", has /health, and
logs one access line per request in the same format as the seed's apps:

    <client> - "<METHOD> <path?query> <HTTP/x.y>" <status> rid=<X-Request-Id> trace=<X-Amzn-Trace-Id>
"""
import logging
import os

from flask import Flask, request

NAME = os.environ.get("SERVICE_NAME", "generic")
DISPLAY = "-".join(p[:1].upper() + p[1:] for p in NAME.split("-"))

app = Flask(__name__)


@app.route("/health")
def health():
    return "OK"


@app.route("/", defaults={"subpath": ""})
@app.route("/<path:subpath>")
def hello(subpath):
    return "Hello from %s Service! Path: /%s" % (DISPLAY, subpath)


@app.after_request
def access_log(response):
    env = request.environ
    target = env.get("RAW_URI") or env.get("REQUEST_URI") or request.full_path
    print('%s - "%s %s %s" %d rid=%s trace=%s' % (
        request.remote_addr or "-", request.method, target,
        env.get("SERVER_PROTOCOL", "HTTP/1.1"), response.status_code,
        request.headers.get("X-Request-Id", "-"),
        request.headers.get("X-Amzn-Trace-Id", "-")), flush=True)
    return response


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
