"""A loopback HTTP server whose answers are scripted per test.

Used by the AWS transport tests: each request takes the next step of the
script (the last step repeats), and every request is recorded (headers, body,
client port) so tests can check what the client sent and whether it reused
its connection.

    srv = ScriptedServer()            # binds 127.0.0.1 on a free port
                                      # (ScriptedServer(cert, key) for https)
    srv.script([("status", 400, body, headers), ("status", 200, ok, {})])
    ... run the client against srv.url ...
    srv.requests                      # [{"path", "headers", "body", "port"}]
    srv.stop()

Steps:
    ("status", code, body_bytes_or_str, {header: value})
    ("reset",)                        read the request, then close with RST
    ("close",)                        read the request, then close (no answer)
    ("stall", seconds, then_step)     wait, then do then_step (if still connected)
    ("chunked", code, body, headers)  send the body chunked (no Content-Length)
"""
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        srv = self.server.owner
        step = srv._next(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "port": self.client_address[1],
            }
        )
        self._do(step)

    def _do(self, step):
        kind = step[0]
        if kind == "stall":
            time.sleep(step[1])
            try:
                self._do(step[2])
            except OSError:
                pass
            return
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if kind == "close":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        code, body, headers = step[1], step[2], step[3]
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        if kind == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 4096):
                part = body[i : i + 4096]
                self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that hung up on purpose (timeouts, size caps) is not news


class ScriptedServer:
    def __init__(self, tls_cert=None, tls_key=None):
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        scheme = "http"
        if tls_cert:
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert, tls_key)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.url = "%s://127.0.0.1:%d/" % (scheme, self.port)
        self.lock = threading.Lock()
        self.steps = []
        self.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def script(self, steps):
        with self.lock:
            self.steps = list(steps)
            self.requests = []

    def _next(self, req):
        with self.lock:
            self.requests.append(req)
            i = min(len(self.requests), len(self.steps)) - 1
            return self.steps[i] if self.steps else ("status", 500, "no script", {})

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
