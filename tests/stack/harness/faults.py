"""Faults on demand: each changes only what it names; `clear` restores the healthy stack.

Every fault returns once its effect is in place (nginx reloaded, tasks stopped, health
checks failing, ...), with a one-line message saying what it did. See the README's
fault table for what each one shows through the AWS APIs and the data plane.
"""
import copy
import json
import os
import time
import uuid

from .common import FAULT_USAGE as USAGE
from .ecs import utcnow



class FaultError(Exception):
    pass


class Faults:
    def __init__(self, stack):
        self.stack = stack
        self.active = []            # [(name, args, message)] in the order applied
        self.file_state = {}        # service -> dict written to its fault file
        self.saved_rules = {}       # rule ARN -> original actions (dicts)
        self.deregistered = []      # (tg ARN, ip, port)
        self.fault_dir = os.path.join(stack.run_dir, "faults")
        os.makedirs(self.fault_dir, exist_ok=True)

    # ------------------------------------------------------------ helpers
    def _svc(self, name):
        try:
            return self.stack.ecs_emu.service(name)
        except KeyError as e:
            raise FaultError(str(e.args[0]))

    def _write_file(self, svc, **kv):
        st = self.file_state.setdefault(svc.name, {})
        st.update(kv)
        path = os.path.join(self.fault_dir, "%s.json" % svc.name)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(st, f)
        os.replace(tmp, path)

    def _tg(self, ident):
        elbv2 = self.stack.elbv2
        for arn, tg in elbv2.target_groups.items():
            if ident in (arn, tg.name):
                return tg
        raise FaultError("no target group %r (known: %s)" % (
            ident, ", ".join(sorted(tg.name for tg in elbv2.target_groups.values()))))

    def _rule_for_prefix(self, prefix):
        """The first rule (by priority, over all listeners) whose path patterns cover prefix."""
        cands = []
        with self.stack.lock:
            for lb in self.stack.elbv2.load_balancers.values():
                for li in lb.listeners.values():
                    for r in li.rules.values():
                        if r.is_default:
                            continue
                        for c in r.conditions or []:
                            if c.get("Field") != "path-pattern":
                                continue
                            vals = (c.get("PathPatternConfig") or {}).get("Values") or c.get("Values") or []
                            if any(v == prefix or v.rstrip("*").rstrip("/") == prefix.rstrip("/")
                                   for v in vals):
                                cands.append((int(r.priority), r))
        if not cands:
            raise FaultError("no listener rule has a path pattern for %r" % prefix)
        return sorted(cands, key=lambda x: x[0])[0][1]

    def _wait(self, pred, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred():
                return
            time.sleep(0.05)
        raise FaultError("timed out after %.0fs waiting for %s" % (timeout, what))

    def _hc_wait_s(self, svc):
        h = self.stack.health
        worst = 5.0
        for arn in svc.tg_arns:
            tg = self.stack.elbv2.target_groups.get(arn)
            if tg is not None:
                interval, timeout = h._timing(tg)
                worst = max(worst, (int(tg.unhealthy_threshold_count) + 1) * (interval + timeout) + 3)
        return worst

    # ------------------------------------------------------------ apply
    def apply(self, name, args):
        fn = getattr(self, "f_" + name.replace("-", "_"), None)
        if fn is None or name not in USAGE:
            raise FaultError("unknown fault %r; faults: %s" % (name, ", ".join(USAGE)))
        try:
            # the ECS scheduler must not act on a service while a fault changes it
            with self.stack.ecs_emu.reconcile_lock:
                msg = fn(*args)
        except TypeError as e:
            if "positional argument" not in str(e):
                raise
            raise FaultError("usage: fault %s" % USAGE[name])
        if name != "clear":
            self.active.append((name, list(args), msg))
        self.stack.log("fault %s %s: %s" % (name, " ".join(args), msg))
        return msg

    def f_kill_task(self, service):
        svc = self._svc(service)
        running = svc.running()
        if not running:
            raise FaultError("%s has no running task to kill" % svc.name)
        svc.holds.add("kill-task")
        t = running[0]
        self.stack.ecs_emu.stop_task(t, "Essential container in task exited", "EssentialContainerExited",
                                     crash=True)
        self.stack.dataplane.apply()
        return "killed task %s of %s (%s:%d, pid %d): STOPPED, its target draining; %d of %d running" % (
            t.id, svc.name, t.ip, t.port, t.proc.pid, len(svc.running()), svc.moto.desired_count)

    def f_kill_all(self, service):
        svc = self._svc(service)
        running = svc.running()
        svc.holds.add("kill-all")
        for t in running:
            self.stack.ecs_emu.stop_task(t, "Essential container in task exited", "EssentialContainerExited",
                                         crash=True)
        self.stack.dataplane.apply()
        return "killed %d tasks of %s: 0 of %d running, its targets draining (ALB answers 503)" % (
            len(running), svc.name, svc.moto.desired_count)

    def f_fail_health(self, service, mode="503"):
        svc = self._svc(service)
        if mode != "timeout":
            if not mode.isdigit():
                raise FaultError("usage: fault %s" % USAGE["fail-health"])
            mode = int(mode)
        self._write_file(svc, fail_health=mode)
        h = self.stack.health

        def all_unhealthy():
            with self.stack.lock:
                keys = [(arn, ip) for arn in svc.tg_arns
                        for ip in self.stack.elbv2.target_groups[arn].targets]
            return keys and all((h.health_of(*k) or ("initial",))[0] == "unhealthy" for k in keys)

        self._wait(all_unhealthy, self._hc_wait_s(svc) + (60 if mode == "timeout" else 0),
                   "%s's targets to turn unhealthy" % svc.name)
        self.stack.dataplane.apply()
        return "health checks of %s now fail (%s); its targets are unhealthy, it still serves" % (
            svc.name, "timeout" if mode == "timeout" else "HTTP %d" % mode)

    def f_deregister(self, service):
        svc = self._svc(service)
        with self.stack.lock:
            for arn in svc.tg_arns:
                tg = self.stack.elbv2.target_groups.get(arn)
                if tg is not None and tg.targets:
                    tid, t = next(iter(tg.targets.items()))
                    self.stack.elbv2.deregister_targets(arn, [{"Id": tid}])
                    self.deregistered.append((arn, tid, int(t["Port"])))
                    break
            else:
                raise FaultError("%s has no registered target" % svc.name)
        self.stack.dataplane.apply()
        return "deregistered %s:%d from %s: draining for %ss, the task keeps running" % (
            tid, t["Port"], tg.name, tg.attributes.get("deregistration_delay.timeout_seconds"))

    def f_misroute(self, prefix, service):
        svc = self._svc(service)
        if not svc.tg_arns:
            raise FaultError("%s is not behind a target group" % svc.name)
        if not prefix.startswith("/"):
            raise FaultError("PATH_PREFIX must start with /")
        self.stack.dataplane.overrides.insert(0, (prefix, svc.tg_arns[0]))
        self.stack.dataplane.apply()
        return "data plane now sends paths starting with %s to %s (rules unchanged)" % (prefix, svc.name)

    def f_repoint_rule(self, prefix, target_group):
        tg = self._tg(target_group)
        rule = self._rule_for_prefix(prefix)
        with self.stack.lock:
            if rule.arn not in self.saved_rules:
                self.saved_rules[rule.arn] = [copy.deepcopy(a.data) for a in rule.actions]
            self.stack.elbv2.modify_rule(rule.arn, [], [{"Type": "forward", "TargetGroupArn": tg.arn}])
        self.stack.dataplane.apply()
        return "rule priority %s (%s) now forwards to %s" % (rule.priority, prefix, tg.name)

    def f_stall_deploy(self, service):
        svc = self._svc(service)
        emu = self.stack.ecs_emu
        if svc.stalled:
            raise FaultError("%s's deployment is already stalled" % svc.name)
        svc.holds.add("stall-deploy")
        old = emu.primary(svc)
        new_id = "ecs-svc/%d" % (uuid.uuid4().int % 10 ** 19)
        desired = int(svc.moto.desired_count or 0)
        running = svc.running()
        victim = running[-1] if running else None
        if victim is not None:
            emu.stop_task(victim, "Scaling activity initiated by (deployment %s)" % new_id,
                          "ServiceSchedulerInitiated")
        pend = emu.add_pending_task(svc, new_id)
        now = utcnow()
        with self.stack.lock:
            saved = copy.deepcopy(svc.moto.deployments)
            n_run = len(svc.running())
            new = dict(old)
            new.update({"id": new_id, "status": "PRIMARY", "desiredCount": desired, "pendingCount": 1,
                        "runningCount": 0, "failedTasks": 0, "createdAt": now, "updatedAt": now,
                        "rolloutState": "IN_PROGRESS",
                        "rolloutStateReason": "ECS deployment %s in progress." % new_id})
            active = dict(old)
            active.update({"status": "ACTIVE", "desiredCount": n_run, "runningCount": n_run,
                           "pendingCount": 0, "updatedAt": now})
            svc.stalled = {"saved": saved, "pending": pend}
            svc.moto.deployments = [new, active]
            svc.moto.running_count, svc.moto.pending_count = n_run, 1
        emu.event(svc, "(service %s) has started 1 tasks: (task %s)." % (svc.name, pend.id))
        self.stack.dataplane.apply()
        return "%s: new deployment %s IN_PROGRESS with a task stuck PENDING; %d of %d running" % (
            svc.name, new_id, n_run, desired)

    def _data_fault(self, service, **kv):
        svc = self._svc(service)
        self._write_file(svc, **kv)
        return svc

    def f_body(self, service, text):
        svc = self._data_fault(service, body=text)
        return "%s now answers %r" % (svc.name, text)

    def f_slow(self, service, ms):
        try:
            v = float(ms)
        except ValueError:
            raise FaultError("usage: fault %s" % USAGE["slow"])
        svc = self._data_fault(service, slow_ms=v)
        return "%s now answers %g ms later (health checks unaffected)" % (svc.name, v)

    def f_hostile_body(self, service):
        svc = self._data_fault(service, raw="hostile-body")
        return "%s now answers a hostile body (<script>, ]]>, NUL, ESC, invalid UTF-8)" % svc.name

    def f_huge_body(self, service):
        svc = self._data_fault(service, raw="huge-body")
        return "%s now streams a 1 GiB body" % svc.name

    def f_stall_headers(self, service):
        svc = self._data_fault(service, raw="stall-headers")
        return "%s now sends a status line and endless headers" % svc.name

    def f_close_mid_body(self, service):
        svc = self._data_fault(service, raw="close-mid-body")
        return "%s now closes after 1000 of 100000 announced bytes" % svc.name

    def f_log_delay(self, seconds):
        try:
            v = float(seconds)
        except ValueError:
            raise FaultError("usage: fault %s" % USAGE["log-delay"])
        self.stack.shipper.set_delay(v)
        return "log delivery delay is now %gs" % v

    def f_log_drop(self, service):
        svc = self._svc(service)
        self.stack.shipper.dropped_services.add(svc.name)
        return "%s's log lines are now dropped" % svc.name

    def _aws(self, kind, fraction, seconds=None):
        try:
            f = float(fraction)
            s = float(seconds) if seconds is not None else None
        except ValueError:
            raise FaultError("usage: fault %s" % USAGE[kind])
        if not 0 <= f <= 1:
            raise FaultError("FRACTION must be between 0 and 1")
        self.stack.api.set_fault(kind, f, s)
        return f

    def f_aws_throttle(self, fraction):
        f = self._aws("aws-throttle", fraction)
        return "%g of AWS API calls now get a throttling error" % f

    def f_aws_500(self, fraction):
        f = self._aws("aws-500", fraction)
        return "%g of AWS API calls now get a 500" % f

    def f_aws_stall(self, fraction, seconds=None):
        f = self._aws("aws-stall", fraction, seconds)
        return "%g of AWS API calls now hang for %gs" % (f, self.stack.api.stall_seconds)

    # ------------------------------------------------------------ clear
    def f_clear(self):
        st = self.stack
        emu = st.ecs_emu
        st.api.clear_faults()
        st.shipper.set_delay(st.shipper.default_delay)
        st.shipper.dropped_services.clear()
        for name in list(self.file_state):
            try:
                os.unlink(os.path.join(self.fault_dir, "%s.json" % name))
            except FileNotFoundError:
                pass
        self.file_state.clear()
        st.dataplane.overrides.clear()
        with st.lock:
            for arn, actions in self.saved_rules.items():
                try:
                    st.elbv2.modify_rule(arn, [], actions)
                except Exception as e:  # noqa: BLE001 - the rule may have been deleted since
                    st.log("clear: cannot restore rule %s: %r" % (arn, e))
            self.saved_rules.clear()
            for arn, ip, port in self.deregistered:
                tg = st.elbv2.target_groups.get(arn)
                if tg is not None and ip not in tg.targets and any(
                        t.ip == ip and t.alive for t in emu.by_id.values()):
                    st.elbv2.register_targets(arn, [{"Id": ip, "Port": port}])
            self.deregistered.clear()
        for svc in list(emu.services.values()):
            if svc.stalled:
                emu.drop_pending_task(svc.stalled["pending"], "Deployment rolled back by the local stack")
                with st.lock:
                    svc.moto.deployments = svc.stalled["saved"]
                svc.stalled = None
            svc.holds.clear()
        st.health.end_draining()
        emu.reconcile()
        n = len(self.active)
        self.active = []
        self._wait(lambda: emu.wait_counts(0.2) and st.health.all_healthy(), 30,
                   "every service to run its desired count with healthy targets")
        st.dataplane.apply()
        return "cleared %d fault(s): every service runs its desired tasks, all targets healthy" % n
