"""The ALB data plane: nginx configured from the listener rules as they are in moto.

Every ALB listener in moto gets an nginx server on 127.0.0.1:<port>. Its routing is
generated from the listener's rules, evaluated as ALB does (NOTES.md §8): in
priority order, the first rule whose conditions all match wins, else the default
action. Conditions become nginx maps:

  path-pattern         on the raw path without the query, case-sensitive, * and ?
  host-header          on the Host name without port, case-insensitive, * and ?
  http-request-method  exact
  http-header          on that header, case-insensitive, * and ?
  query-string         key=value pairs of the query, case-insensitive, * and ?
  source-ip            CIDRs of the client address (nginx geo)
  (PathPattern/HostHeader/HttpHeader RegexValues are used as PCRE regexes.)

Actions: `forward` goes to an upstream of the group's routable targets (health.py:
healthy ones, or all registered ones when none is healthy; a group with no
registered target answers 503), weighted ForwardConfig groups become one weighted
upstream; `fixed-response` and `redirect` are answered by the edge responder (a small
HTTP server in the daemon), so that they, and the 500/502/503/504 pages nginx would
otherwise write itself, carry `Server: awselb/2.0` and ALB's bodies. Requests to
targets get X-Forwarded-For (appended), X-Forwarded-Proto, X-Forwarded-Port and
X-Amzn-Trace-Id (NOTES.md §9: absent -> Root=1-<8 hex epoch s>-<24 hex>; with a
Root and no Self -> Self=1-...;<as sent>; with a Self -> that Self replaced). The
target's own Server header is passed through, as ALB does; nothing is buffered.

Whenever the generated configuration changes (rules, registrations, health,
the misroute fault, the hourly trace-time window), nginx is reloaded and the change
is confirmed through a generation number on a separate status port.
"""
import hashlib
import http
import http.client
import http.server
import json
import os
import re
import signal
import socketserver
import threading
import time

from . import procs
from .common import NGINX, free_port

REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           408: "Request Timeout", 413: "Request Entity Too Large", 414: "Request-URI Too Large",
           431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
           502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out",
           505: "HTTP Version Not Supported", 301: "Moved Permanently", 302: "Found"}
ERROR_CODES = (400, 408, 413, 414, 431, 500, 502, 503, 504)
TRACE_WINDOW_S = 3600        # trace-id epoch map covers the next hour...
TRACE_REFRESH_S = 2700       # ...and is regenerated after 45 minutes


def alb_page(code):
    """ALB's own HTML body for a status it answers itself."""
    title = "%d %s" % (code, REASONS.get(code, "Error"))
    return ("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
            "</body>\r\n</html>\r\n" % (title, title)).encode()


def q(s):
    """An nginx double-quoted string."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def wildcard_re(value, star, one):
    """ALB wildcard pattern (* and ?) -> regex body, every other character literal."""
    out = []
    for ch in value:
        if ch == "*":
            out.append(star)
        elif ch == "?":
            out.append(one)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def cond_values(cond, cfg_key):
    """(values, regex_values) of a condition in either of its API forms."""
    cfg = cond.get(cfg_key) or {}
    vals = cfg.get("Values") or cond.get("Values") or []
    return list(vals), list(cfg.get("RegexValues") or [])


def terminal_action(actions):
    acts = [a.data if hasattr(a, "data") else a for a in actions]
    acts = [a for a in acts if a.get("Type") in ("forward", "fixed-response", "redirect")]
    acts.sort(key=lambda a: int(a.get("Order", 50000)))
    return acts[-1] if acts else {"Type": "fixed-response",
                                  "FixedResponseConfig": {"StatusCode": "503"}}


class Renderer:
    """Builds one nginx.conf from a snapshot of the control plane and target health."""

    def __init__(self, dp, snapshot):
        self.dp = dp
        self.s = snapshot
        self.maps = []
        self.upstreams = {}
        self.n = 0

    def var(self, prefix):
        self.n += 1
        return "$alb_%s%d" % (prefix, self.n)

    def edge(self, kind, ident=""):
        return "http://127.0.0.1:%d/__alb/%s/%s" % (self.dp.edge_port, kind, ident)

    def edge_action(self, action):
        key = hashlib.sha1(json.dumps(action, sort_keys=True, default=str).encode()).hexdigest()[:16]
        self.dp.edge_actions[key] = action
        return key

    def upstream(self, name, servers):
        self.upstreams[name] = servers
        return "http://" + name

    def tg_pass(self, groups):
        """groups: [(tg_arn, weight)] -> proxy_pass URL."""
        routable = {}
        for arn, w in groups:
            if w and arn in self.s["tg_index"]:
                routable[arn] = (w, self.s["routable"].get(arn, []))
        if len(routable) == 1:
            arn, (w, targets) = next(iter(routable.items()))
            if not targets:
                return self.edge("error", "503")
            return self.upstream("alb_tg%d" % self.s["tg_index"][arn],
                                 ["%s:%d" % t for t in targets])
        servers = []
        names = []
        for arn, (w, targets) in sorted(routable.items()):
            names.append("%d_%d" % (self.s["tg_index"][arn], w))
            for t in targets:
                servers.append("%s:%d weight=%d" % (t[0], t[1], max(1, round(100.0 * w / len(targets)))))
        if not servers:
            return self.edge("error", "503")
        return self.upstream("alb_fw_" + "_".join(names), servers)

    def action_pass(self, action, listener):
        t = action.get("Type")
        if t == "forward":
            fc = action.get("ForwardConfig") or {}
            groups = [(g["TargetGroupArn"], int(g.get("Weight", 1))) for g in fc.get("TargetGroups", [])]
            if not groups and action.get("TargetGroupArn"):
                groups = [(action["TargetGroupArn"], 1)]
            return self.tg_pass(groups)
        if t == "fixed-response":
            return self.edge("fixed", self.edge_action(action.get("FixedResponseConfig") or {}))
        if t == "redirect":
            cfg = dict(action.get("RedirectConfig") or {})
            cfg["_listener"] = [listener["protocol"], listener["port"]]
            return self.edge("redirect", self.edge_action(cfg))
        return self.edge("error", "503")

    def cond_var(self, cond):
        """One condition -> name of a variable that is 1 when it matches, else 0."""
        field = cond.get("Field")
        v = self.var("c")
        if field == "path-pattern":
            vals, rx = cond_values(cond, "PathPatternConfig")
            alts = [wildcard_re(x, ".*", ".") for x in vals] + ["(?:%s)" % r for r in rx]
            self.maps.append("map $alb_path %s {\n  default 0;\n  %s 1;\n}" % (
                v, q("~^(?:%s)$" % "|".join(alts))))
        elif field == "host-header":
            vals, rx = cond_values(cond, "HostHeaderConfig")
            alts = [wildcard_re(x.lower(), ".*", ".") for x in vals] + ["(?:%s)" % r for r in rx]
            self.maps.append("map $host %s {\n  default 0;\n  %s 1;\n}" % (
                v, q("~*^(?:%s)$" % "|".join(alts))))
        elif field == "http-request-method":
            vals, _ = cond_values(cond, "HttpRequestMethodConfig")
            self.maps.append("map $request_method %s {\n  default 0;\n  %s 1;\n}" % (
                v, q("~^(?:%s)$" % "|".join(re.escape(x) for x in vals))))
        elif field == "http-header":
            cfg = cond.get("HttpHeaderConfig") or {}
            name = re.sub(r"[^a-z0-9_]", "_", cfg.get("HttpHeaderName", "").lower().replace("-", "_"))
            vals = list(cfg.get("Values") or [])
            alts = [wildcard_re(x, ".*", ".") for x in vals] + ["(?:%s)" % r for r in cfg.get("RegexValues") or []]
            self.maps.append("map $http_%s %s {\n  default 0;\n  %s 1;\n}" % (
                name, v, q("~*^(?:%s)$" % "|".join(alts))))
        elif field == "query-string":
            cfg = cond.get("QueryStringConfig") or {}
            alts = []
            for kv in cfg.get("Values") or []:
                key = wildcard_re(kv["Key"], "[^&=]*", "[^&=]") if kv.get("Key") else "[^&=]*"
                alts.append("%s=%s" % (key, wildcard_re(kv.get("Value", ""), "[^&]*", "[^&]")))
            self.maps.append("map $args %s {\n  default 0;\n  %s 1;\n}" % (
                v, q("~*(?:^|&)(?:%s)(?:&|$)" % "|".join(alts or ["(?!)"]))))
        elif field == "source-ip":
            vals, _ = cond_values(cond, "SourceIpConfig")
            self.maps.append("geo %s {\n  default 0;\n%s\n}" % (
                v, "\n".join("  %s 1;" % c for c in vals if re.match(r"^[0-9a-fA-F:.]+/\d+$", c))))
        else:
            self.maps.append("map $host %s {\n  default 0;\n}" % v)   # unknown: never matches
        return v

    def rule_var(self, rule):
        vs = [self.cond_var(c) for c in rule["conditions"]]
        if len(vs) == 1:
            return vs[0]
        v = self.var("r")
        self.maps.append("map %s %s {\n  default 0;\n  %s 1;\n}" % (q("".join(vs)), v, q("1" * len(vs))))
        return v

    def render(self, gen):
        s = self.s
        servers = []
        mr_pass = "$alb_misroute_pass"
        mr_lines = []
        for prefix, arn in s["overrides"]:
            mr_lines.append("  %s %s;" % (q("~^%s" % re.escape(prefix)), q(self.tg_pass([(arn, 1)]))))
        self.maps.append("map $alb_path %s {\n  default \"\";\n%s\n}" % (mr_pass, "\n".join(mr_lines)))
        self.maps.append("map %s $alb_misroute {\n  \"\" 0;\n  default 1;\n}" % mr_pass)
        for li, listener in enumerate(s["listeners"]):
            bits = ["$alb_misroute"]
            entries = ["  %s %s;" % (q("~^1"), mr_pass)]
            for k, rule in enumerate(listener["rules"]):
                bits.append(self.rule_var(rule))
                entries.append("  %s %s;  # priority %s" % (
                    q("~^0{%d}1" % (k + 1)), q(self.action_pass(rule["action"], listener)), rule["priority"]))
            pv = "$alb_pass_l%d" % li
            self.maps.append("map %s %s {\n%s\n  default %s;\n}" % (
                q("".join(bits)), pv, "\n".join(entries),
                q(self.action_pass(listener["default"], listener))))
            servers.append(self.server_block(listener, pv))
        ups = []
        for name, srv in sorted(self.upstreams.items()):
            ups.append("upstream %s {\n%s\n}" % (name, "\n".join(
                "  server %s max_fails=0;" % x for x in srv)))
        return TEMPLATE.format(
            dir=self.dp.dir, user=("user root root;" if os.geteuid() == 0 else ""),
            maps="\n".join(self.maps), trace_map=self.dp.trace_map(s["trace_window"]),
            edge_host="127.0.0.1:%d" % self.dp.edge_port,
            upstreams="\n".join(ups), servers="\n".join(servers),
            status_port=self.dp.status_port, gen=gen)

    def server_block(self, listener, pv):
        err = "\n".join(
            "    error_page %d = @alb_error_%d;" % (c, c) for c in ERROR_CODES)
        named = "\n".join(
            "  location @alb_error_%d {\n    set $alb_err %s;\n    proxy_pass $alb_err;\n"
            "    proxy_pass_header Server;\n    proxy_set_header Host $host;\n  }" % (
                c, q(self.edge("error", str(c)))) for c in ERROR_CODES)
        return SERVER.format(port=listener["nginx_port"], lport=listener["port"],
                             proto=listener["protocol"].lower(), idle=listener["idle"],
                             pass_var=pv, errors=err, named=named, name=listener["name"])


TEMPLATE = """# Generated by tests/stack/harness/dataplane.py -- the local ALB data plane. Do not edit.
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
lock_file {dir}/nginx.lock;
error_log {dir}/error.log warn;
worker_rlimit_nofile 8192;
worker_shutdown_timeout 30s;
events {{ worker_connections 4096; }}
http {{
  log_format alb '$time_iso8601 $remote_addr:$remote_port "$request" $status $body_bytes_sent '
                 'upstream=$upstream_addr/$upstream_status rt=$request_time '
                 'trace="$alb_trace_id" via=$proxy_host';
  access_log {dir}/access.log alb buffer=32k flush=1s;
  default_type application/octet-stream;
  server_tokens off;
  client_body_temp_path {dir}/tmp/client_body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  map_hash_max_size 65536;
  map_hash_bucket_size 128;
  variables_hash_max_size 8192;
  variables_hash_bucket_size 128;
  client_max_body_size 0;
  large_client_header_buffers 4 16k;
  keepalive_requests 10000;

  # the path without the query, as ALB's path-pattern sees it
  map $request_uri $alb_path {{
    "~^(?<alb_p>[^?]*)" $alb_p;
    default "/";
  }}
{trace_map}
  map $request_id $alb_rand24 {{
    "~^(?<alb_r24>.{{24}})" $alb_r24;
  }}
  map $http_x_amzn_trace_id $alb_trace_id {{
    "" "Root=1-$alb_epoch-$alb_rand24";
    "~^(?<alb_tpre>.*?)Self=1-[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{24}}(?<alb_tpost>.*)$" "${{alb_tpre}}Self=1-$alb_epoch-$alb_rand24$alb_tpost";
    "~Root=" "Self=1-$alb_epoch-$alb_rand24;$http_x_amzn_trace_id";
    default "Root=1-$alb_epoch-$alb_rand24;$http_x_amzn_trace_id";
  }}
  # request facts handed to the edge responder only (never to targets)
  map $proxy_host $alb_to_edge {{
    "{edge_host}" 1;
    default 0;
  }}
  map $alb_to_edge $alb_edge_uri {{
    1 $request_uri;
    default "";
  }}
  map $alb_to_edge $alb_edge_host {{
    1 $http_host;
    default "";
  }}

{maps}

{upstreams}

{servers}

  server {{
    listen 127.0.0.1:{status_port};
    access_log off;
    location = /generation {{ return 200 "{gen}"; }}
    location / {{ return 404; }}
  }}
}}
"""

SERVER = """  # listener {name} {proto}:{lport}
  server {{
    listen 127.0.0.1:{port} backlog=1024;
    server_name _;
    keepalive_timeout {idle}s;
    location / {{
      proxy_pass {pass_var};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto {proto};
      proxy_set_header X-Forwarded-Port {lport};
      proxy_set_header X-Amzn-Trace-Id $alb_trace_id;
      proxy_set_header X-Albstack-Uri $alb_edge_uri;
      proxy_set_header X-Albstack-Host $alb_edge_host;
      proxy_pass_header Server;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_next_upstream off;
      proxy_connect_timeout 10s;
      proxy_read_timeout {idle}s;
      proxy_send_timeout {idle}s;
{errors}
    }}
{named}
  }}
"""


class EdgeHandler(http.server.BaseHTTPRequestHandler):
    """Answers what the ALB answers itself: fixed responses, redirects, error pages."""

    server_version = "awselb/2.0"
    sys_version = ""

    def version_string(self):
        return "awselb/2.0"

    def log_message(self, fmt, *args):
        pass

    def _send(self, code, body, ctype, extra=()):
        try:
            phrase = REASONS.get(code) or http.HTTPStatus(code).phrase
        except ValueError:
            phrase = ""
        self.send_response(code, phrase)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        dp = self.server.dp
        parts = self.path.split("/")
        # /__alb/<kind>/<id>
        kind, ident = (parts[2], parts[3]) if len(parts) >= 4 else ("error", "503")
        if kind == "error":
            code = int(ident) if ident.isdigit() else 503
            return self._send(code, alb_page(code), "text/html")
        action = dp.edge_actions.get(ident)
        if action is None:
            return self._send(503, alb_page(503), "text/html")
        if kind == "fixed":
            code = int(action.get("StatusCode", 503))
            body = str(action.get("MessageBody", "")).encode("utf-8")
            return self._send(code, body, action.get("ContentType") or "text/plain")
        if kind == "redirect":
            code = 301 if action.get("StatusCode", "HTTP_301") == "HTTP_301" else 302
            loc = redirect_location(action, self.headers.get("X-Albstack-Host") or "",
                                    self.headers.get("X-Albstack-Uri") or "/")
            return self._send(code, alb_page(code), "text/html", [("Location", loc)])
        return self._send(503, alb_page(503), "text/html")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


def redirect_location(cfg, host, uri):
    proto, port = cfg.get("_listener", ["HTTP", 80])
    host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    path, _, query = uri.partition("?")
    sub = {"#{protocol}": proto.lower(), "#{host}": host, "#{port}": str(port),
           "#{path}": path.lstrip("/"), "#{query}": query}

    def fill(v, default):
        v = str(cfg.get(v) or default)
        for k, x in sub.items():
            v = v.replace(k, x)
        return v

    scheme = fill("Protocol", "#{protocol}").lower()
    h = fill("Host", "#{host}")
    p = fill("Port", "#{port}")
    pa = fill("Path", "/#{path}")
    qs = fill("Query", "#{query}")
    default_port = {"http": "80", "https": "443"}.get(scheme)
    return "%s://%s%s%s%s" % (scheme, h, "" if p == default_port else ":" + p, pa, "?" + qs if qs else "")


class EdgeServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Nginx:
    """The nginx master process under the daemon's supervision (daemon off)."""

    def __init__(self, stack, directory):
        self.stack = stack
        self.dir = directory
        self.proc = None
        for sub in ("tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            os.makedirs(os.path.join(directory, sub), exist_ok=True)
        self.conf = os.path.join(directory, "nginx.conf")

    def write(self, text):
        tmp = self.conf + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.conf)

    def start(self):
        self.proc = self.stack.spawner.popen(
            [NGINX, "-p", self.dir + "/", "-c", self.conf, "-e", os.path.join(self.dir, "error.log")],
            stdin=open(os.devnull), stdout=open(os.path.join(self.dir, "stdout.log"), "ab"),
            stderr=open(os.path.join(self.dir, "stderr.log"), "ab"), cwd=self.dir)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def accepting_workers(self):
        """Workers still accepting connections: an old worker stops accepting when it
        closes its listening sockets and retitles itself "... is shutting down"."""
        n = 0
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            return -1
        for k in kids:
            try:
                with open("/proc/%d/cmdline" % k, "rb") as f:
                    title = f.read().replace(b"\0", b" ").strip()
            except OSError:
                continue
            if title == b"nginx: worker process":
                n += 1
        return n

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None:
            procs.stop(self.proc, grace=5.0)

    def error_tail(self, n=5):
        try:
            with open(os.path.join(self.dir, "error.log"), encoding="utf-8", errors="replace") as f:
                lines = [x.rstrip() for x in f if "[emerg]" in x or "[alert]" in x or "[crit]" in x]
            return "\n".join(lines[-n:])
        except OSError:
            return ""


class DataPlane:
    def __init__(self, stack, directory):
        self.stack = stack
        self.dir = directory
        self.edge_actions = {}
        self.overrides = []           # misroute: [(path prefix, target group ARN)]
        self.listener_ports = {}      # listener ARN -> nginx port
        self.gen = 0
        self._last = None
        self._apply_lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopping = False
        self._window = 0
        self.nginx = Nginx(stack, directory)
        self.edge = EdgeServer(("127.0.0.1", 0), EdgeHandler)
        self.edge.dp = self
        self.edge_port = self.edge.server_address[1]
        self.status_port = free_port()
        threading.Thread(target=self.edge.serve_forever, kwargs={"poll_interval": 0.5},
                         name="edge", daemon=True).start()
        self._thread = threading.Thread(target=self._loop, name="dataplane", daemon=True)

    # ------------------------------------------------------------ snapshot
    def snapshot(self, sync=True):
        st = self.stack
        if sync:
            st.health.sync()
        with st.lock:
            tg_index = {arn: i for i, arn in enumerate(sorted(st.elbv2.target_groups))}
            listeners = []
            for lb in st.elbv2.load_balancers.values():
                if getattr(lb, "type", "application") != "application":
                    continue
                idle = int(lb.attrs.get("idle_timeout.timeout_seconds", 60) or 60)
                for larn, li in lb.listeners.items():
                    rules = []
                    default = None
                    for r in li.rules.values():
                        if r.is_default:
                            default = terminal_action(r.actions)
                            continue
                        rules.append({"priority": int(r.priority), "conditions": list(r.conditions or []),
                                      "action": terminal_action(r.actions)})
                    rules.sort(key=lambda r: r["priority"])
                    if larn not in self.listener_ports:
                        self.listener_ports[larn] = free_port()
                    listeners.append({"arn": larn, "name": lb.name, "dns": lb.dns_name,
                                      "protocol": li.protocol or "HTTP", "port": int(li.port),
                                      "nginx_port": self.listener_ports[larn], "idle": idle,
                                      "rules": rules,
                                      "default": default or terminal_action(li.default_actions)})
        routable = {arn: st.health.routable(arn) for arn in tg_index}
        now = int(time.time())
        if now - self._window >= TRACE_REFRESH_S or self._window > now:
            self._window = now - 60
        return {"tg_index": tg_index, "listeners": listeners, "routable": routable,
                "overrides": list(self.overrides), "trace_window": self._window}

    def trace_map(self, start):
        """Epoch seconds -> 8 hex digits, for the next hour (nginx cannot do arithmetic)."""
        if getattr(self, "_trace_cache", (None,))[0] == start:
            return self._trace_cache[1]
        lines = ["  map $msec $alb_epoch_s {", '    "~^(?<alb_es>[0-9]+)" $alb_es;', "  }",
                 "  map $alb_epoch_s $alb_epoch {", "    default %08x;" % (start + TRACE_WINDOW_S)]
        lines += ["    %d %08x;" % (t, t) for t in range(start, start + TRACE_WINDOW_S + 120)]
        lines.append("  }")
        self._trace_cache = (start, "\n".join(lines))
        return self._trace_cache[1]

    def listeners(self):
        return self.snapshot(sync=False)["listeners"]

    # ------------------------------------------------------------ apply
    def apply(self, timeout=10.0):
        """Regenerate; if the config changed, (re)load nginx and wait until it serves it."""
        with self._apply_lock:
            snap = self.snapshot()
            body = Renderer(self, snap).render("@GEN@")
            if body == self._last and self.nginx.alive():
                return False
            self.gen += 1
            text = body.replace("@GEN@", str(self.gen))
            self.nginx.write(text)
            if not self.nginx.alive():
                self.nginx.start()
                self.stack.write_pids()
            else:
                self.nginx.reload()
            if not self._wait_gen(self.gen, timeout):
                raise RuntimeError("nginx did not load the new configuration: %s" % (
                    self.nginx.error_tail() or "see %s/error.log" % self.dir))
            self._last = body
            return True

    def _wait_gen(self, gen, timeout):
        end = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < end:
            if self.nginx.proc is not None and self.nginx.proc.poll() is not None:
                return False
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.status_port, timeout=1)
                c.request("GET", "/generation")
                got = c.getresponse().read().decode()
                c.close()
                if got == str(gen):
                    seen += 1
                    # the new worker serves; done once no old worker accepts any more
                    # (a connection it took would still see the previous rules)
                    if seen >= 2 and self.nginx.accepting_workers() in (1, -1):
                        return True
                    time.sleep(0.01)
                    continue
                seen = 0
            except OSError:
                seen = 0
            time.sleep(0.02)
        return False

    def changed(self):
        self._dirty.set()

    def start(self):
        self._thread.start()

    def _loop(self):
        while not self._stopping:
            self._dirty.wait(30.0)   # changes are signalled; the timeout is a safety net
            self._dirty.clear()
            if self._stopping:
                return
            try:
                self.apply()
            except Exception as e:  # noqa: BLE001 - retried on the next change
                self.stack.log("data plane update failed: %s" % e)

    def stop(self):
        self._stopping = True
        self._dirty.set()
        self.nginx.stop()
        self.edge.shutdown()
        self.edge.server_close()
