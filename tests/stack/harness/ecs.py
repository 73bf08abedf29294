"""ECS on Fargate, emulated: real task processes behind moto's ECS control plane.

For every ACTIVE service in moto the reconciler keeps `desiredCount` tasks running,
as the ECS service scheduler does. A task is a process (harness/taskrunner.py)
serving the service's app (tests/stack/services/<name>/app.py for an image from the
repository <name>-service, else the generic app) on its own loopback address
127.B.x.y (B = this stack's block), on the container port when free. Each task is
recorded in moto as ECS records a Fargate task: task id of 32 hex digits,
lastStatus RUNNING, group `service:<name>`, startedBy the deployment id, the ENI
attachment with privateIPv4Address = the task's address, container with its
networkInterfaces, timestamps; then it is registered as an `ip` target (Id = its
address, Port = its port) in each of the service's target groups, and its stdout is
shipped by the awslogs emulation to <group>/<prefix>/<container>/<task-id>.

A task that exits is marked STOPPED (stoppedReason "Essential container in task
exited", stopCode EssentialContainerExited, the exit code) and deregistered from its
groups; the scheduler then replaces it unless a fault holds the service. StopTask
from a client stops the process too. The service's runningCount/pendingCount, its
PRIMARY deployment's counts and rolloutState (COMPLETED once running = desired and
all its targets are healthy) and its events follow, in ECS's own wording.
"""
import datetime
import os
import select
import socket
import subprocess
import sys
import threading
import time
import uuid

from moto.ecs import models as ecs_models

from . import procs
from .common import ACCOUNT_ID, REGION, SERVICES_DIR, STACK_DIR


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def service_name_from_image(image):
    """'1234.dkr.ecr.r.amazonaws.com/auth-service:latest' -> ('auth-service', 'auth')."""
    path = (image or "").split("@", 1)[0]
    parts = path.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    repo = parts[-1].split(":", 1)[0] if parts and parts[-1] else "service"
    name = repo[:-len("-service")] if repo.endswith("-service") and len(repo) > 8 else repo
    return repo, name


class TaskProc:
    """One running (or pending) task: its process, address and moto record."""

    def __init__(self, svc, moto_task, ip, port, td_arn):
        self.svc = svc
        self.moto = moto_task
        self.id = moto_task.id
        self.arn = moto_task.task_arn
        self.ip, self.port = ip, port
        self.td_arn = td_arn
        self.proc = None
        self.stream = None
        self.expected_stop = None   # (reason, stop_code) when we stop it on purpose
        self.crash = False          # killed by a fault: report as an exited container
        self.done = threading.Event()
        self.registered = []        # target group ARNs it is registered in
        self.deployment = moto_task.started_by  # the ECS deployment that started it

    @property
    def alive(self):
        return self.proc is not None and not self.done.is_set()


class ServiceEmu:
    """What the emulation needs to know about one ECS service."""

    def __init__(self, key, moto_svc):
        self.key = key
        self.cluster = moto_svc.cluster_name
        self.name = moto_svc.name
        self.tasks = []             # TaskProc, running or pending
        self.holds = set()          # fault names that stop the scheduler for it
        self.stalled = None         # stall-deploy bookkeeping
        self.refresh(moto_svc, None)

    def refresh(self, moto_svc, backend):
        self.moto = moto_svc
        self.td_arn = moto_svc.task_definition
        self.tg_arns = [lb.get("targetGroupArn") for lb in moto_svc.load_balancers
                        if lb.get("targetGroupArn")]
        if backend is None:
            return
        td = backend.describe_task_definition(self.td_arn)
        cds = td.container_definitions
        lb = (moto_svc.load_balancers or [{}])[0]
        cd = next((c for c in cds if c.get("name") == lb.get("containerName")), None) or \
            next((c for c in cds if c.get("portMappings")), None) or (cds[0] if cds else {})
        self.td = td
        self.container = cd.get("name", "app")
        self.image = cd.get("image", "")
        ports = [pm.get("containerPort") for pm in cd.get("portMappings", []) if pm.get("containerPort")]
        self.port = int(lb.get("containerPort") or (ports[0] if ports else 5000))
        self.environment = {e["name"]: e.get("value", "") for e in cd.get("environment", []) or []}
        repo, short = service_name_from_image(self.image)
        self.app_name = short
        app = os.path.join(SERVICES_DIR, short, "app.py")
        self.app = app if os.path.isfile(app) else os.path.join(SERVICES_DIR, "generic", "app.py")
        self.display = "-".join(p[:1].upper() + p[1:] for p in short.split("-"))
        lc = cd.get("logConfiguration") or {}
        opts = lc.get("options") or {}
        if lc.get("logDriver") == "awslogs" and opts.get("awslogs-group"):
            self.log_group = opts["awslogs-group"]
            self.log_prefix = opts.get("awslogs-stream-prefix")
            self.log_create = str(opts.get("awslogs-create-group", "false")).lower() == "true"
        else:
            self.log_group = self.log_prefix = None
            self.log_create = False

    def running(self):
        return [t for t in self.tasks if t.alive and t.expected_stop is None]


class EcsEmu:
    def __init__(self, stack):
        self.stack = stack
        self.backend = stack.ecs
        self.services = {}          # "cluster:name" -> ServiceEmu
        self.by_id = {}             # task id -> TaskProc
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="ecs", daemon=True)
        self.reconcile_lock = threading.RLock()   # faults hold it while they act on services

    def start(self):
        self._thread.start()

    def wake(self):
        self._wake.set()

    def stop_all(self):
        self._stopping = True
        self._wake.set()
        tasks = list(self.by_id.values())
        for t in tasks:
            if t.proc is not None and t.proc.poll() is None:
                t.expected_stop = ("Task stopped by the local stack going down", "UserInitiated")
                try:
                    t.proc.terminate()
                except ProcessLookupError:
                    pass
        for t in tasks:
            if t.proc is not None:
                procs.stop(t.proc, grace=3.0, sig=None)

    def pids(self):
        return [t.proc.pid for t in self.by_id.values() if t.proc is not None and t.proc.poll() is None]

    def service(self, name):
        """ServiceEmu by service name (or cluster:name / ARN); KeyError if unknown."""
        name = name.rsplit("/", 1)[-1]
        for key, s in self.services.items():
            if s.name == name or key == name:
                return s
        raise KeyError("no ECS service named %r (known: %s)" % (
            name, ", ".join(sorted(s.name for s in self.services.values())) or "none"))

    # ------------------------------------------------------------ reconcile
    def _loop(self):
        while not self._stopping:
            try:
                self.reconcile()
            except Exception as e:  # noqa: BLE001 - the scheduler keeps going
                self.stack.log("ecs reconcile failed: %r" % e)
            self._wake.wait(2.0)
            self._wake.clear()

    def reconcile(self):
        with self.reconcile_lock:
            if self._stopping:
                return
            with self.stack.lock:
                active = {k: s for k, s in self.backend.services.items() if s.status == "ACTIVE"}
                for key, ms in active.items():
                    emu = self.services.get(key)
                    if emu is None:
                        emu = self.services[key] = ServiceEmu(key, ms)
                    emu.refresh(ms, self.backend)
                # tasks stopped through the API (StopTask): stop their processes too
                api_stopped = [t for t in self.by_id.values()
                               if t.alive and t.expected_stop is None and t.moto.desired_status == "STOPPED"]
            for t in api_stopped:
                self.stop_task(t, t.moto.stopped_reason or "Task stopped by user", "UserInitiated")
            for key, emu in list(self.services.items()):
                if key not in active:
                    for t in list(emu.tasks):
                        self.stop_task(t, "Service %s was deleted" % emu.name, "ServiceSchedulerInitiated")
                    del self.services[key]
                    continue
                if not emu.holds:
                    self._schedule(emu)
                self.update_counts(emu)

    def _schedule(self, emu):
        """ECS's replica scheduler: desiredCount tasks of the PRIMARY deployment; tasks of
        older deployments are stopped once the new ones run with healthy targets
        (a rolling update with minimumHealthyPercent 100, maximumPercent 200)."""
        desired = int(emu.moto.desired_count or 0)
        primary_id = self.primary(emu).get("id")
        running = [t for t in emu.running() if not getattr(t, "pending_only", False)]
        current = [t for t in running if t.deployment == primary_id]
        outdated = [t for t in running if t.deployment != primary_id]
        started = []
        for _ in range(max(0, desired - len(current))):
            try:
                started.append(self.start_task(emu))
            except Exception as e:  # noqa: BLE001 - reported as a service event, retried
                self.stack.log("cannot start a task of %s: %r" % (emu.name, e))
                self.event(emu, "(service %s) was unable to place a task. Reason: %s." % (emu.name, e))
                break
        if started:
            self.event(emu, "(service %s) has started %d tasks: %s." % (
                emu.name, len(started), " ".join("(task %s)" % t.id for t in started)))
        extra = current[desired:] if len(current) > desired else []
        if outdated and len(current) >= desired and all(self._serving(t) for t in current[:desired]):
            extra += outdated
        if extra:
            for t in extra:
                self.stop_task(t, "Scaling activity initiated by (deployment %s)" % primary_id,
                               "ServiceSchedulerInitiated")
            self.event(emu, "(service %s) has stopped %d running tasks: %s." % (
                emu.name, len(extra), " ".join("(task %s)" % t.id for t in extra)))

    def _serving(self, t):
        """RUNNING, and healthy in every target group it belongs to."""
        groups = [a for a in t.svc.tg_arns if a in self.stack.elbv2.target_groups]
        if t.moto.last_status != "RUNNING" or len(t.registered) < len(groups):
            return False
        return all((self.stack.health.health_of(arn, t.ip) or ("initial",))[0] in ("healthy", "unavailable")
                   for arn in t.registered)

    @staticmethod
    def primary(emu):
        for d in emu.moto.deployments:
            if d.get("status") == "PRIMARY":
                return d
        return {}

    def update_counts(self, emu):
        """Service and deployment counts from the tasks; completes a rollout once steady."""
        with self.stack.lock:
            def count(tasks, status):
                return sum(1 for t in tasks if t.moto.last_status == status and (t.alive or t.proc is None))
            ms = emu.moto
            ms.running_count, ms.pending_count = count(emu.tasks, "RUNNING"), count(emu.tasks, "PENDING")
            if emu.stalled:
                return
            d = self.primary(emu)
            if not d:
                return
            for dep in ms.deployments:
                mine = [t for t in emu.tasks if t.deployment == dep.get("id")]
                dep["runningCount"], dep["pendingCount"] = count(mine, "RUNNING"), count(mine, "PENDING")
            d["desiredCount"] = ms.desired_count
            others = [dep for dep in ms.deployments if dep is not d]
            if others and not any(dep["runningCount"] or dep["pendingCount"] for dep in others):
                ms.deployments = [d]   # the old deployments have drained
                others = []
            healthy = all(self._serving(t) for t in emu.tasks
                          if t.deployment == d.get("id") and t.moto.last_status == "RUNNING")
            if d.get("rolloutState") == "IN_PROGRESS" and not others and \
                    d["runningCount"] >= int(ms.desired_count or 0) and d["pendingCount"] == 0 and healthy:
                d["rolloutState"] = "COMPLETED"
                d["rolloutStateReason"] = "ECS deployment %s completed." % d.get("id")
                d["updatedAt"] = utcnow()
                self.event(emu, "(service %s) (deployment %s) deployment completed." % (emu.name, d.get("id")))
                self.event(emu, "(service %s) has reached a steady state." % emu.name)

    def new_deployment(self, emu):
        """UpdateService with a new task definition or forceNewDeployment: a new PRIMARY
        deployment IN_PROGRESS, the previous one ACTIVE until its tasks are replaced."""
        with self.stack.lock:
            ms = emu.moto
            old = self.primary(emu)
            now = utcnow()
            new = dict(old)
            new_id = "ecs-svc/%d" % (uuid.uuid4().int % 10 ** 19)
            new.update({"id": new_id, "status": "PRIMARY", "taskDefinition": ms.task_definition,
                        "desiredCount": ms.desired_count, "runningCount": 0, "pendingCount": 0,
                        "failedTasks": 0, "createdAt": now, "updatedAt": now, "rolloutState": "IN_PROGRESS",
                        "rolloutStateReason": "ECS deployment %s in progress." % new_id})
            for dep in ms.deployments:
                dep["status"] = "ACTIVE"
            ms.deployments = [new] + list(ms.deployments)
        self.wake()

    def event(self, emu, message):
        with self.stack.lock:
            emu.moto.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": message})
            del emu.moto.events[100:]

    # ------------------------------------------------------------ tasks
    def _moto_task(self, emu, started_by=None):
        """Record a new Fargate task in moto, PENDING, as ECS shows one (caller holds the lock).

        Its ENI attachment is PRECREATED with no address yet; _running() fills in the
        task's loopback address once its process serves."""
        backend = self.backend
        cluster = backend._get_cluster(emu.cluster)
        netconf = emu.moto.network_configuration or None
        if emu.td.network_mode == "awsvpc" and not netconf:
            netconf = self._default_netconf()
        if netconf:  # moto puts the ENI in the first subnet: spread tasks over them as Fargate does
            av = dict(netconf.get("awsvpcConfiguration", {}))
            subnets = list(av.get("subnets") or [])
            if subnets:
                k = self._spread = getattr(self, "_spread", -1) + 1
                av["subnets"] = subnets[k % len(subnets):] + subnets[:k % len(subnets)]
                netconf = dict(netconf, awsvpcConfiguration=av)
        task = ecs_models.Task(
            cluster=cluster, task_definition=emu.td, container_instance_arn=None,
            resource_requirements=None, backend=backend, group="service:%s" % emu.name,
            launch_type=emu.moto.launch_type or "FARGATE", overrides={},
            started_by=started_by or self.primary(emu).get("id", ""), tags=[],
            networking_configuration=netconf, platform_version=emu.moto.platform_version)
        task.id = uuid.uuid4().hex
        task.network_configuration = emu.moto.network_configuration or netconf
        del task.stopped_reason  # ECS leaves it out until the task stops
        now = utcnow()
        subnet_id = None
        for att in task.attachments:
            subnet_id = next((d["value"] for d in att["details"] if d["name"] == "subnetId"), subnet_id)
            att["status"] = "PRECREATED"
            att["details"] = [d for d in att["details"]
                              if d["name"] not in ("privateIPv4Address", "privateDnsName")]
        az = None
        if subnet_id:
            try:
                az = self.stack.ec2.get_subnet(subnet_id).availability_zone
            except Exception:  # noqa: BLE001 - the AZ is cosmetic
                az = None
        task.availability_zone = az or REGION + "a"
        task.last_status = "PENDING"
        task.desired_status = "RUNNING"
        task.created_at = now
        task.cpu = emu.td.cpu
        task.memory = emu.td.memory
        task.version = 1
        task.health_status = "UNKNOWN"
        task.enable_execute_command = False
        task.task_definition_arn = emu.td_arn
        if (emu.moto.launch_type or "FARGATE") == "FARGATE":
            task.capacity_provider_name = "FARGATE"
            task.platform_family = "Linux"
            task.platform_version = "1.4.0" if emu.moto.platform_version in (None, "LATEST") \
                else emu.moto.platform_version
        task.ephemeral_storage = {"sizeInGiB": 20}
        c = task.containers[0]
        if hasattr(c, "exitCode"):
            del c.exitCode
        cd = next((x for x in emu.td.container_definitions if x.get("name") == emu.container), {})
        c.name, c.image = emu.container, emu.image
        c.task_arn = task.task_arn
        c.container_arn = "arn:aws:ecs:%s:%s:container/%s/%s/%s" % (
            REGION, ACCOUNT_ID, emu.cluster, task.id, uuid.uuid4())
        c.runtime_id = "%s-%010d" % (task.id, int(uuid.uuid4().int % 10 ** 10))
        c.last_status = task.last_status
        c.cpu = str(cd.get("cpu", 0))
        if cd.get("memory"):
            c.memory = str(cd["memory"])
        c.network_bindings = []
        c.health_status = "UNKNOWN"
        c.network_interfaces = []
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
        return task

    def _default_netconf(self):
        ec2 = self.stack.ec2
        subnets = [s.id for s in ec2.describe_subnets()]
        sgs = [g.id for g in ec2.describe_security_groups()]
        return {"awsvpcConfiguration": {"subnets": subnets[:1], "securityGroups": sgs[:1]}}

    def add_pending_task(self, emu, started_by):
        """A task stuck in PENDING (no process): used by the stall-deploy fault."""
        with self.stack.lock:
            mt = self._moto_task(emu, started_by=started_by)
        tp = TaskProc(emu, mt, None, None, emu.td_arn)
        tp.pending_only = True
        emu.tasks.append(tp)
        self.by_id[tp.id] = tp
        return tp

    def drop_pending_task(self, tp, reason):
        with self.stack.lock:
            self._mark_stopped(tp, reason, "TaskFailedToStart", None)
        if tp in tp.svc.tasks:
            tp.svc.tasks.remove(tp)
        self.by_id.pop(tp.id, None)
        tp.done.set()

    def start_task(self, emu):
        """Start a task: PENDING until its process serves, then RUNNING and registered."""
        ip = self.stack.ipblock.next_ip()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ready_r, ready_w = os.pipe()
        try:
            try:
                sock.bind((ip, emu.port))
            except OSError:
                sock.bind((ip, 0))
            sock.listen(128)
            port = sock.getsockname()[1]
            with self.stack.lock:
                mt = self._moto_task(emu)
                stream = None
                if emu.log_group:
                    logs = self.stack.logs
                    if emu.log_group not in logs.groups and emu.log_create:
                        logs.create_log_group(emu.log_group, {})
                    if emu.log_group in logs.groups:
                        stream = "%s/%s/%s" % (emu.log_prefix, emu.container, mt.id) if emu.log_prefix \
                            else mt.id
                        logs.create_log_stream(emu.log_group, stream)
                    else:
                        self.stack.log("%s: log group %s does not exist: its lines are lost" % (
                            emu.name, emu.log_group))
            tp = TaskProc(emu, mt, ip, port, emu.td_arn)
            tp.stream = stream
            fault_file = os.path.join(self.stack.run_dir, "faults", "%s.json" % emu.name)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONUNBUFFERED": "1",
                   "PYTHONDONTWRITEBYTECODE": "1", "SERVICE_NAME": emu.app_name,
                   "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                   "ECS_TASK_ARN": mt.task_arn, "ECS_CONTAINER_NAME": emu.container, "PORT": str(port)}
            env.update(emu.environment)
            argv = [sys.executable, "-m", "harness.taskrunner", "--app", emu.app,
                    "--fd", str(sock.fileno()), "--fault-file", fault_file, "--display", emu.display,
                    "--ready-fd", str(ready_w)]
            tp.proc = self.stack.spawner.popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=[sock.fileno(), ready_w], cwd=STACK_DIR, env=env)
        except BaseException:
            os.close(ready_r)
            raise
        finally:
            sock.close()
            os.close(ready_w)
        emu.tasks.append(tp)
        self.by_id[tp.id] = tp
        threading.Thread(target=self._reader, args=(tp, ready_r), name="task-%s" % tp.id[:8],
                         daemon=True).start()
        self.stack.log("started task %s of %s on %s:%d (pid %d)" % (tp.id, emu.name, ip, port, tp.proc.pid))
        self.stack.write_pids()
        return tp

    def _running(self, tp):
        """The task's container serves: RUNNING in moto, registered in its target groups."""
        now = utcnow()
        emu = tp.svc
        with self.stack.lock:
            t = tp.moto
            t.last_status = "RUNNING"
            t.pull_started_at = t.pull_stopped_at = t.started_at = t.connectivity_at = now
            t.connectivity = "CONNECTED"
            for att in t.attachments:
                att["status"] = "ATTACHED"
                att["details"] = [d for d in att["details"] if d["name"] not in (
                    "privateIPv4Address", "privateDnsName")]
                att["details"].append({"name": "privateDnsName",
                                       "value": "ip-%s.ec2.internal" % tp.ip.replace(".", "-")})
                att["details"].append({"name": "privateIPv4Address", "value": tp.ip})
            for eni_id in [d["value"] for a in t.attachments for d in a["details"]
                           if d["name"] == "networkInterfaceId"]:
                self.stack.ec2.get_network_interface(eni_id).private_ip_address = tp.ip
            c = t.containers[0]
            c.last_status = "RUNNING"
            c.network_interfaces = [{"attachmentId": a["id"], "privateIpv4Address": tp.ip}
                                    for a in t.attachments]
            for arn in emu.tg_arns:
                if arn in self.stack.elbv2.target_groups:
                    self.stack.elbv2.register_targets(arn, [{"Id": tp.ip, "Port": tp.port}])
                    tp.registered.append(arn)
        self.stack.health.wake()
        self.update_counts(emu)

    def _reader(self, tp, ready_r):
        """Wait for the task to serve, then ship its output; when it ends, record how it stopped."""
        ready, _, _ = select.select([ready_r], [], [], 120)
        ok = bool(ready) and os.read(ready_r, 1) == b"1"
        os.close(ready_r)
        if ok and tp.expected_stop is None:
            self._running(tp)
        elif not ok:
            self.stack.log("task %s of %s never served (exit %s)" % (tp.id, tp.svc.name, tp.proc.poll()))
        local = os.path.join(self.stack.run_dir, "tasks", "%s-%s.log" % (tp.svc.name, tp.id))
        with open(local, "ab", buffering=0) as copy:
            for line in tp.proc.stdout:
                copy.write(line)
                self.stack.shipper.submit(tp.svc.name, tp.svc.log_group if tp.stream else None,
                                          tp.stream, line.rstrip(b"\r\n"))
        rc = tp.proc.wait()
        self._exited(tp, rc)

    def _exited(self, tp, rc):
        exit_code = 128 - rc if rc is not None and rc < 0 else rc
        if tp.expected_stop and not tp.crash:
            reason, code = tp.expected_stop
        else:
            reason, code = "Essential container in task exited", "EssentialContainerExited"
        self._deregister(tp)
        with self.stack.lock:
            self._mark_stopped(tp, reason, code, exit_code)
        self.stack.log("task %s of %s stopped: %s (exit %s)" % (tp.id, tp.svc.name, reason, exit_code))
        if tp in tp.svc.tasks:
            tp.svc.tasks.remove(tp)
        self.by_id.pop(tp.id, None)
        tp.done.set()
        self.stack.write_pids()
        if tp.expected_stop is None or tp.crash:
            self.event(tp.svc, "(service %s) has stopped 1 running tasks: (task %s)." % (tp.svc.name, tp.id))
        self.update_counts(tp.svc)
        self.wake()

    def _deregister(self, tp):
        with self.stack.lock:
            for arn in tp.registered:
                tg = self.stack.elbv2.target_groups.get(arn)
                if tg is not None and tp.ip in tg.targets:
                    self.stack.elbv2.deregister_targets(arn, [{"Id": tp.ip}])
                    self.event(tp.svc, "(service %s) deregistered 1 targets in (target-group %s)" % (
                        tp.svc.name, arn))
            tp.registered = []
        self.stack.health.wake()

    def _mark_stopped(self, tp, reason, code, exit_code):
        t = tp.moto
        now = utcnow()
        t.last_status = "STOPPED"
        t.desired_status = "STOPPED"
        t.stopped_reason = reason
        t.stop_code = code
        t.stopping_at = now
        t.execution_stopped_at = now
        t.stopped_at = now
        if getattr(t, "connectivity", None):
            t.connectivity = "DISCONNECTED"
        for c in t.containers:
            c.last_status = "STOPPED"
            if exit_code is not None:
                c.exit_code = exit_code

    def stop_task(self, tp, reason, code="UserInitiated", crash=False, sig=None):
        """Stop one task and wait until it is recorded STOPPED and deregistered."""
        if getattr(tp, "pending_only", False):
            self.drop_pending_task(tp, reason)
            return
        if tp.done.is_set():
            return
        tp.expected_stop = (reason, code)
        tp.crash = crash
        if not crash:
            self._deregister(tp)  # ECS deregisters first, then stops the task
        procs.stop(tp.proc, grace=3.0, sig=sig or (9 if crash else 15))
        tp.done.wait(10)

    def steady(self, emu):
        """desiredCount tasks RUNNING, none pending, their targets healthy, rollout COMPLETED."""
        tasks = [t for t in emu.tasks if t.alive and t.expected_stop is None]
        if len(tasks) != int(emu.moto.desired_count or 0) or emu.stalled:
            return False
        if any(t.moto.last_status != "RUNNING" or len(t.registered) != len(
                [a for a in emu.tg_arns if a in self.stack.elbv2.target_groups]) for t in tasks):
            return False
        if any(getattr(t, "pending_only", False) for t in emu.tasks):
            return False
        if any(t.deployment != self.primary(emu).get("id") for t in tasks):
            return False
        if not all(self._serving(t) for t in tasks):
            return False
        d = self.primary(emu)
        return not d or d.get("rolloutState") == "COMPLETED"

    def wait_counts(self, timeout=15.0):
        """Wait until every service is steady (see steady()); False on timeout."""
        end = time.monotonic() + timeout
        while True:
            self.reconcile()
            if all(self.steady(emu) for emu in list(self.services.values())):
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.1)
