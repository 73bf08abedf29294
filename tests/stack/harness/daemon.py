"""stackd: the one long-running process of a local stack (started by `stackctl up`).

It runs moto in-process behind harness/awsapi.py on 127.0.0.1:<free port>, deploys
the template with CloudFormation CreateStack, completes what moto leaves out
(motopatch.py), and then emulates what AWS would run for that stack: the ECS
service scheduler and its Fargate tasks (ecs.py), ALB health checks (health.py),
the ALB data plane with nginx (dataplane.py) and the awslogs driver (awslogs.py).
A small control API on 127.0.0.1:<free port> serves `fault`, `status` and
`shutdown`. Every child process is started through procs.Spawner so that none can
outlive the daemon; `stackctl down` asks for shutdown and then checks by pid.

Readiness is reported on --ready-fd as one line: "READY <json>" or "ERROR <message>".
"""
import argparse
import http.server
import json
import os
import signal
import socketserver
import sys
import threading
import time
import traceback
import uuid

from .common import (ACCESS_KEY_ID, ACCOUNT_ID, DEFAULT_TEMPLATE, INTERNAL_HEADER, NGINX, NGINX_HINT,
                     REGION, SECRET_ACCESS_KEY, IpBlock, write_env_file, write_json)


class StackError(Exception):
    pass


def template_parameters(body, path):
    """Names of the template's Parameters (JSON or YAML with short-form !Tags).

    Not ValidateTemplate: moto runs cfn-lint for it, which costs ~3 s at start-up."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        doc = json.loads(body) if body.lstrip().startswith("{") else yaml.load(body, Loader=Loader)
    except (ValueError, yaml.YAMLError) as e:
        raise StackError("template %s does not parse: %s" % (path, e))
    if not isinstance(doc, dict) or not isinstance(doc.get("Resources"), dict):
        raise StackError("template %s has no Resources section" % path)
    return set((doc.get("Parameters") or {}).keys())


class Stack:
    def __init__(self, a):
        self.run_dir = a.run_dir
        self.template = os.path.abspath(a.template)
        self.stack_name = a.stack_name
        self.tasks = a.tasks
        self.hc_scale = a.hc_scale
        self.log_delay = a.log_delay
        self.lock = threading.RLock()
        self.token = uuid.uuid4().hex
        self.shutdown_event = threading.Event()
        self.fault_lock = threading.Lock()
        self.started = time.time()
        self.ready_s = None
        self._logf = open(os.path.join(self.run_dir, "stackd.log"), "a", encoding="utf-8", buffering=1)
        self.ipblock = None
        self.spawner = None
        self.moto_server = None
        self.control = None
        self.health = self.shipper = self.ecs_emu = self.dataplane = self.faults = self.api = None
        self.outputs = {}
        self.warnings = []

    def log(self, msg):
        self._logf.write("%s %s\n" % (time.strftime("%H:%M:%S"), msg))

    def dataplane_changed(self):
        """Routing inputs changed (health, faults): regenerate nginx; ECS may complete a rollout."""
        if self.dataplane is not None:
            self.dataplane.changed()
        if self.ecs_emu is not None:
            self.ecs_emu.wake()

    def control_plane_changed(self, service=None, op=None):
        """A client wrote to ELBv2/ECS: follow registrations, rules and services."""
        if self.health is not None:
            self.health.wake()
        self.dataplane_changed()

    # ------------------------------------------------------------ up
    def up(self):
        if not (os.path.isfile(NGINX) and os.access(NGINX, os.X_OK)):
            raise StackError(NGINX_HINT)
        if not os.path.isfile(self.template):
            raise StackError("template not found: %s" % self.template)
        for sub in ("nginx", "tasks", "faults"):
            os.makedirs(os.path.join(self.run_dir, sub), exist_ok=True)
        self.ipblock = IpBlock()
        self.log("loopback block 127.%d.0.0/16" % self.ipblock.block)

        from . import procs
        self.spawner = procs.Spawner()
        t0 = time.monotonic()
        self._start_moto()
        self.log("moto up on port %d (%.2fs)" % (self.moto_port, time.monotonic() - t0))
        self._deploy()
        self.log("stack %s deployed (%.2fs)" % (self.stack_name, time.monotonic() - t0))

        from .awslogs import LogShipper
        from .dataplane import DataPlane
        from .ecs import EcsEmu
        from .faults import Faults
        from .health import HealthChecker
        self.health = HealthChecker(self, scale=self.hc_scale)
        self.shipper = LogShipper(self, delay=self.log_delay)
        self.ecs_emu = EcsEmu(self)
        self.dataplane = DataPlane(self, os.path.join(self.run_dir, "nginx"))
        self.faults = Faults(self)
        self._wire_hooks()
        self.shipper.start()
        self.health.start()
        self.ecs_emu.reconcile()
        self.log("tasks started (%.2fs)" % (time.monotonic() - t0))
        self._start_nginx()
        self.log("nginx up (%.2fs)" % (time.monotonic() - t0))
        self.warnings = []
        if not self.ecs_emu.wait_counts(timeout=30):
            # not the harness's failure: the template's services may simply be unhealthy
            for emu in self.ecs_emu.services.values():
                if not self.ecs_emu.steady(emu):
                    self.warnings.append("service %s is not steady after 30s: %d/%s tasks running" % (
                        emu.name, emu.moto.running_count, emu.moto.desired_count))
            for t in self.health.snapshot():
                if t["state"] != "healthy":
                    self.warnings.append("target %s:%s is %s %s" % (t["ip"], t["port"], t["state"],
                                                                    t.get("reason") or ""))
            for w in self.warnings:
                self.log("warning: " + w)
        self.dataplane.apply()
        self.dataplane.start()
        self.ecs_emu.start()
        self._start_control()
        self.ready_s = time.monotonic() - t0
        self.log("ready (%.2fs)" % self.ready_s)
        self._write_files()

    def _start_moto(self):
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        from . import motopatch
        from .awsapi import AwsApi
        motopatch.apply()
        app = DomainDispatcherApplication(create_backend_app)
        self.api = AwsApi(app, self.lock, self.token, on_write=self.control_plane_changed,
                          log=self.log)
        import logging
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.moto_server = make_server("127.0.0.1", 0, self.api, threaded=True)
        self.moto_server.daemon_threads = True
        self.moto_port = self.moto_server.server_port
        self.endpoint = "http://127.0.0.1:%d" % self.moto_port
        threading.Thread(target=self.moto_server.serve_forever, kwargs={"poll_interval": 0.5},
                         name="moto", daemon=True).start()

        from moto.ec2.models import ec2_backends
        from moto.ecs.models import ecs_backends
        from moto.elbv2.models import elbv2_backends
        from moto.logs.models import logs_backends
        self.ecs = ecs_backends[ACCOUNT_ID][REGION]
        self.elbv2 = elbv2_backends[ACCOUNT_ID][REGION]
        self.logs = logs_backends[ACCOUNT_ID][REGION]
        self.ec2 = ec2_backends[ACCOUNT_ID][REGION]

    def client(self, service):
        """A boto3 client for the stack's own calls (never hit by API faults)."""
        import boto3
        from botocore.config import Config
        c = boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                         aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
                         config=Config(retries={"max_attempts": 1}, read_timeout=120))

        def add_header(request, **kw):
            request.headers[INTERNAL_HEADER] = self.token
        c.meta.events.register("before-sign.*.*", add_header)
        return c

    def _deploy(self):
        cfn = self.client("cloudformation")
        with open(self.template, encoding="utf-8") as f:
            body = f.read()
        names = template_parameters(body, self.template)
        params = []
        if self.tasks is not None and "DesiredCount" in names:
            params.append({"ParameterKey": "DesiredCount", "ParameterValue": str(self.tasks)})
        try:
            cfn.create_stack(StackName=self.stack_name, TemplateBody=body, Parameters=params,
                             Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
        except Exception as e:  # noqa: BLE001
            raise StackError("CloudFormation CreateStack failed: %s" % e)
        end = time.monotonic() + 60
        while True:
            st = cfn.describe_stacks(StackName=self.stack_name)["Stacks"][0]
            status = st["StackStatus"]
            if status == "CREATE_COMPLETE":
                break
            if not status.endswith("IN_PROGRESS") or time.monotonic() > end:
                evs = cfn.describe_stack_events(StackName=self.stack_name)["StackEvents"]
                why = ["%s: %s" % (e["LogicalResourceId"], e.get("ResourceStatusReason"))
                       for e in evs if e["ResourceStatus"].endswith("FAILED")]
                raise StackError("CloudFormation stack %s is %s: %s" % (
                    self.stack_name, status, "; ".join(why) or st.get("StackStatusReason")))
            time.sleep(0.2)
        self.outputs = {o["OutputKey"]: o["OutputValue"] for o in st.get("Outputs", [])}
        if self.tasks is not None and "DesiredCount" not in names:
            with self.lock:
                for svc in self.ecs.services.values():
                    svc.desired_count = self.tasks
        with self.lock:
            for lb in self.elbv2.load_balancers.values():
                lb.activate()

    def _wire_hooks(self):
        from . import motopatch
        h = motopatch.hooks
        health = self.health
        ecs = self.ecs_emu
        h.target_health = lambda tg, t: health.health_of(tg.arn, t["Id"])
        h.draining_targets = lambda tg: health.draining_of(tg.arn)

        def az(tg, ip):
            for t in list(ecs.by_id.values()):
                if t.ip == ip:
                    return getattr(t.moto, "availability_zone", None)
            return None
        h.target_az = az

        def new_deployment(svc):
            for emu in list(ecs.services.values()):
                if emu.moto is svc:
                    ecs.new_deployment(emu)
        h.new_deployment = new_deployment
        h.service_changed = lambda svc: ecs.wake()

    def _start_nginx(self):
        from .common import free_port
        last = None
        for _ in range(3):
            try:
                self.dataplane.apply()
                return
            except RuntimeError as e:
                last = str(e)
                if "Address already in use" not in last:
                    break
                self.dataplane.nginx.stop()
                for arn in self.dataplane.listener_ports:
                    self.dataplane.listener_ports[arn] = free_port()
                self.dataplane.status_port = free_port()
                self.dataplane._last = None
        raise StackError("nginx could not start: %s" % last)

    def _start_control(self):
        stack = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):
                pass

            def _reply(self, code, obj):
                body = (json.dumps(obj, indent=1, default=str) + "\n").encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/status":
                    return self._reply(200, stack.status())
                return self._reply(404, {"ok": False, "error": "GET /status"})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                try:
                    req = json.loads(self.rfile.read(n) or b"{}")
                except ValueError:
                    return self._reply(400, {"ok": False, "error": "body must be JSON"})
                if self.path == "/fault":
                    return self._fault(req)
                if self.path == "/shutdown":
                    self._reply(200, {"ok": True, "message": "shutting down"})
                    stack.shutdown_event.set()
                    return None
                if self.path == "/counters/reset":
                    stack.api.reset_counts()
                    return self._reply(200, {"ok": True})
                return self._reply(404, {"ok": False, "error": "POST /fault, /shutdown, /counters/reset"})

            def _fault(self, req):
                from .faults import FaultError
                name, args = req.get("name", ""), [str(x) for x in req.get("args", [])]
                with stack.fault_lock:
                    try:
                        msg = stack.faults.apply(name, args)
                    except FaultError as e:
                        return self._reply(400, {"ok": False, "error": str(e)})
                    except Exception as e:  # noqa: BLE001 - report, keep serving
                        stack.log(traceback.format_exc())
                        return self._reply(500, {"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
                return self._reply(200, {"ok": True, "message": msg})

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.control = Server(("127.0.0.1", 0), Handler)
        self.control_port = self.control.server_address[1]
        threading.Thread(target=self.control.serve_forever, kwargs={"poll_interval": 0.5},
                         name="control", daemon=True).start()

    # ------------------------------------------------------------ files
    def connect_to(self):
        out = []
        for li in self.dataplane.listeners():
            out.append("%s:%d:127.0.0.1:%d" % (li["dns"], li["port"], li["nginx_port"]))
        return out

    def _write_files(self):
        lis = self.dataplane.listeners()
        first = next((li for li in lis if li["port"] == 80), lis[0] if lis else None)
        env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "ALB_NAME": first["name"] if first else "",
            "ALB_DNS_NAME": first["dns"] if first else "",
            "ALBCHECK_CONNECT_TO": ("%s:%d:127.0.0.1:%d" % (first["dns"], first["port"], first["nginx_port"])
                                    if first else ""),
            "STACK_CONNECT_TO_ALL": " ".join(self.connect_to()),
            "STACK_NAME": self.stack_name,
            "STACK_TEMPLATE": self.template,
            "STACK_RUN_DIR": self.run_dir,
            "STACK_CONTROL_URL": "http://127.0.0.1:%d" % self.control_port,
            "STACK_MOTO_PORT": str(self.moto_port),
            "STACK_NGINX_PORT": str(first["nginx_port"]) if first else "",
        }
        write_env_file(self.run_dir, env)
        self.env = env
        self.write_state()

    def write_state(self):
        write_json(os.path.join(self.run_dir, "state.json"), {
            "pid": os.getpid(), "control_url": "http://127.0.0.1:%d" % self.control_port,
            "moto_port": self.moto_port, "template": self.template, "stack_name": self.stack_name,
            "started": self.started})

    def write_pids(self):
        """<run-dir>/pids: every live child, for `stackctl down` to check by pid."""
        try:
            with open(os.path.join(self.run_dir, "pids.tmp"), "w", encoding="ascii") as f:
                f.write("".join("%d\n" % p for p in [os.getpid()] + self.child_pids()))
            os.replace(os.path.join(self.run_dir, "pids.tmp"), os.path.join(self.run_dir, "pids"))
        except OSError:
            pass

    def child_pids(self):
        pids = list(self.ecs_emu.pids()) if self.ecs_emu else []
        if self.dataplane and self.dataplane.nginx.alive():
            pids.append(self.dataplane.nginx.proc.pid)
        return pids

    def status(self):
        with self.lock:
            services = []
            for emu in sorted(self.ecs_emu.services.values(), key=lambda s: s.name):
                d = self.ecs_emu.primary(emu)
                services.append({
                    "name": emu.name, "cluster": emu.cluster, "desired": emu.moto.desired_count,
                    "running": emu.moto.running_count, "pending": emu.moto.pending_count,
                    "rollout": d.get("rolloutState"), "app": os.path.relpath(emu.app, self.run_dir + "/.."),
                    "log_group": emu.log_group,
                    "tasks": [{"id": t.id, "ip": t.ip, "port": t.port, "pid": t.proc.pid if t.proc else None,
                               "status": t.moto.last_status, "stream": t.stream} for t in emu.tasks]})
            tg_names = {arn: tg.name for arn, tg in self.elbv2.target_groups.items()}
        targets = self.health.snapshot()
        for t in targets:
            t["tg"] = tg_names.get(t["tg"], t["tg"])
        return {
            "ok": True, "pid": os.getpid(), "run_dir": self.run_dir, "template": self.template,
            "stack_name": self.stack_name, "env": self.env, "up_seconds": round(time.time() - self.started),
            "ready_seconds": round(self.ready_s or 0, 2), "loopback_block": "127.%d.0.0/16" % self.ipblock.block,
            "nginx_pid": self.dataplane.nginx.proc.pid if self.dataplane.nginx.alive() else None,
            "child_pids": self.child_pids(), "services": services, "targets": targets,
            "faults": [{"name": n, "args": a, "message": m} for n, a, m in self.faults.active],
            "aws_faults": self.api.active_faults(), "log_delay_s": self.shipper.delay,
            "logs": {"shipped": self.shipper.shipped, "dropped": self.shipper.dropped},
            "aws_calls": dict(sorted(self.api.counts.items())),
            "aws_calls_total": sum(self.api.counts.values()),
        }

    # ------------------------------------------------------------ down
    def teardown(self):
        self.log("shutting down")
        if self.api is not None:
            self.api.release_all()
        if self.dataplane is not None:
            self.dataplane.stop()
        if self.ecs_emu is not None:
            self.ecs_emu.stop_all()
        if self.health is not None:
            self.health.stop()
        if self.shipper is not None:
            self.shipper.stop()
        if self.control is not None:
            self.control.shutdown()
            self.control.server_close()
        if self.moto_server is not None:
            self.moto_server.shutdown()
            self.moto_server.server_close()
        if self.spawner is not None:
            self.spawner.close()
        if self.ipblock is not None:
            self.ipblock.release()
        self.log("stopped")


def main():
    ap = argparse.ArgumentParser(description="the local stack daemon (use tests/stack/stackctl)")
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--template", default=DEFAULT_TEMPLATE)
    ap.add_argument("--stack-name", default=None)
    ap.add_argument("--tasks", type=int, default=None)
    ap.add_argument("--hc-scale", type=float, default=0.1)
    ap.add_argument("--log-delay", type=float, default=1.5)
    ap.add_argument("--ready-fd", type=int, default=None)
    a = ap.parse_args()
    a.run_dir = os.path.abspath(a.run_dir)
    if a.stack_name is None:
        base = os.path.splitext(os.path.basename(a.template))[0]
        a.stack_name = "microservices" if os.path.abspath(a.template) == DEFAULT_TEMPLATE else base
    ready = os.fdopen(a.ready_fd, "w") if a.ready_fd is not None else sys.stdout

    stack = Stack(a)
    signal.signal(signal.SIGTERM, lambda s, f: stack.shutdown_event.set())
    signal.signal(signal.SIGINT, lambda s, f: stack.shutdown_event.set())
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        stack.up()
    except Exception as e:  # noqa: BLE001 - every failure is reported on the ready pipe
        msg = str(e) if isinstance(e, StackError) else "%s: %s" % (type(e).__name__, e)
        stack.log("up failed: %s" % msg if isinstance(e, StackError) else traceback.format_exc())
        try:
            ready.write("ERROR %s\n" % msg)
            ready.flush()
            ready.close()
        except OSError:
            pass
        stack.teardown()
        sys.exit(1)
    ready.write("READY %s\n" % json.dumps({"env": stack.env, "seconds": round(stack.ready_s, 2),
                                            "warnings": stack.warnings}))
    ready.flush()
    if ready is not sys.stdout:
        ready.close()
    while not stack.shutdown_event.wait(1.0):
        pass
    stack.teardown()


if __name__ == "__main__":
    main()
