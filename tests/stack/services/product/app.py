"""The seed's Product Service: a Flask app behind the ALB rule /products + /products/*.

Answers "Hello from Product Service! Path: /products/<subpath>", has a /health route for the
target group's health check, and writes ONE access line per request to stdout
(which the awslogs driver ships to /ecs/product-service):

    <client> - "<METHOD> <path?query> <HTTP/x.y>" <status> rid=<X-Request-Id> trace=<X-Amzn-Trace-Id>
"""
import logging
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/products")
@app.route("/products/<path:subpath>")
def product(subpath=""):
    return "Hello from Product Service! Path: /products/%s" % subpath


@app.route("/health")
def health():
    return "OK"


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
    # The access line above is the only one: silence werkzeug's own request log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
