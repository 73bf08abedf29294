"""ALB health checking, emulated: probes every registered target as its target group says.

For each target registered in moto (whoever registered it: the ECS emulation or a
client's RegisterTargets) it sends `GET <HealthCheckPath>` with
`User-Agent: ELB-HealthChecker/2.0` to the target's IP and health-check port, every
HealthCheckIntervalSeconds x scale (default scale 0.1, at least 0.5 s), with a
timeout of HealthCheckTimeoutSeconds x scale (at least 2 s, at most the configured
value), and applies the Matcher and the healthy/unhealthy thresholds exactly as ALB
does. DescribeTargetHealth then reports (patched in motopatch.py):

  initial    Elb.RegistrationInProgress  before the first probe
  initial    Elb.InitialHealthChecking   until HealthyThresholdCount successes
  healthy
  unhealthy  Target.ResponseCodeMismatch "Health checks failed with these codes: [503]"
  unhealthy  Target.Timeout              "Request timed out"
  unhealthy  Target.FailedHealthChecks   "Health checks failed" (connection refused/reset)
  draining   Target.DeregistrationInProgress  for deregistration_delay.timeout_seconds
                                          after it left the group (not scaled)
  unavailable Target.HealthCheckDisabled  when the group's health checks are off

Only loopback targets (127.0.0.0/8) are ever probed or routed to; any other
address is reported unhealthy with Target.Timeout and never contacted.

routable(tg) gives the data plane its targets: the healthy ones, or, when none is
healthy, every registered one (ALB's fail-open).
"""
import concurrent.futures
import http.client
import ipaddress
import socket
import threading
import time


def is_loopback(ip):
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def matcher_ok(matcher, code):
    """ALB Matcher.HttpCode: '200', '200,202', '200-299'."""
    spec = str((matcher or {}).get("HttpCode", "200"))
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            if int(lo) <= code <= int(hi):
                return True
        elif part and int(part) == code:
            return True
    return False


class TargetState:
    def __init__(self, tg_arn, ip, port, now):
        self.tg_arn, self.ip, self.port = tg_arn, ip, int(port)
        self.state = "initial"
        self.reason = "Elb.RegistrationInProgress"
        self.desc = "Target registration is in progress"
        self.ok_streak = 0
        self.fail_streak = 0
        self.next_due = now
        self.probing = False
        self.probes = 0

    def health(self):
        if self.state == "healthy":
            return ("healthy", None, None)
        return (self.state, self.reason, self.desc)


class HealthChecker:
    def __init__(self, stack, scale=0.1):
        self.stack = stack
        self.scale = scale
        self._lock = threading.Lock()
        self.states = {}      # (tg_arn, ip) -> TargetState
        self.draining = {}    # (tg_arn, ip) -> {"Id", "Port", "until"}
        self._wake = threading.Event()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="hc")
        self._thread = threading.Thread(target=self._loop, name="health", daemon=True)
        self._stopping = False
        self._membership = True     # moto's registrations may have changed: sync soon
        self._last_sync = 0.0

    def start(self):
        self._thread.start()

    def stop(self):
        self._stopping = True
        self._wake.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def wake(self):
        """Registrations changed (or may have): follow them now."""
        self._membership = True
        self._wake.set()

    # ------------------------------------------------------------ queries
    def health_of(self, tg_arn, ip):
        with self._lock:
            st = self.states.get((tg_arn, ip))
            return st.health() if st else None

    def draining_of(self, tg_arn):
        now = time.monotonic()
        with self._lock:
            return [{"Id": d["Id"], "Port": d["Port"]} for (arn, _), d in self.draining.items()
                    if arn == tg_arn and d["until"] > now]

    def routable(self, tg_arn):
        """[(ip, port)] the ALB sends traffic to for this group right now."""
        with self._lock:
            regs = [s for (arn, _), s in self.states.items() if arn == tg_arn and is_loopback(s.ip)]
            healthy = [s for s in regs if s.state in ("healthy", "unavailable")]
            use = healthy or regs
            return sorted((s.ip, s.port) for s in use)

    def snapshot(self):
        with self._lock:
            out = [{"tg": s.tg_arn, "ip": s.ip, "port": s.port, "state": s.state,
                    "reason": s.reason if s.state != "healthy" else None} for s in self.states.values()]
            now = time.monotonic()
            out += [{"tg": arn, "ip": d["Id"], "port": d["Port"], "state": "draining",
                     "reason": "Target.DeregistrationInProgress",
                     "remaining_s": round(d["until"] - now, 1)}
                    for (arn, _), d in self.draining.items()]
            return out

    def all_healthy(self, tg_arns=None):
        with self._lock:
            sts = [s for s in self.states.values() if tg_arns is None or s.tg_arn in tg_arns]
            return all(s.state in ("healthy", "unavailable") for s in sts)

    def end_draining(self, tg_arn=None, ip=None):
        """Forget draining targets now (used by `clear`)."""
        with self._lock:
            for k in list(self.draining):
                if (tg_arn is None or k[0] == tg_arn) and (ip is None or k[1] == ip):
                    del self.draining[k]
        self.stack.dataplane_changed()

    # ------------------------------------------------------------ loop
    def sync(self):
        """Follow moto's registrations now (the loop does it too, a little later)."""
        if self._sync(time.monotonic()):
            self._wake.set()
            self.stack.dataplane_changed()

    def _sync(self, now):
        """Follow moto's registrations: new targets start 'initial', gone ones drain."""
        changed = False
        with self.stack.lock:
            groups = {arn: (tg, dict(tg.targets)) for arn, tg in self.stack.elbv2.target_groups.items()}
        with self._lock:
            seen = set()
            for arn, (tg, targets) in groups.items():
                for tid, t in targets.items():
                    key = (arn, tid)
                    seen.add(key)
                    st = self.states.get(key)
                    if st is None or st.port != int(t["Port"]):
                        st = self.states[key] = TargetState(arn, tid, t["Port"], now)
                        self.draining.pop(key, None)
                        changed = True
                    st.tg = tg
            for key in list(self.states):
                if key not in seen:
                    st = self.states.pop(key)
                    changed = True
                    tg = groups.get(key[0], (None,))[0]
                    if tg is not None:
                        delay = float(tg.attributes.get("deregistration_delay.timeout_seconds", 300))
                        if delay > 0:
                            self.draining[key] = {"Id": st.ip, "Port": st.port,
                                                  "until": time.monotonic() + delay}
            for key in list(self.draining):
                if self.draining[key]["until"] <= time.monotonic() or key[0] not in groups:
                    del self.draining[key]
        return changed

    def _loop(self):
        while not self._stopping:
            now = time.monotonic()
            changed = False
            if self._membership or now - self._last_sync >= 2.0:
                self._membership = False
                self._last_sync = now
                try:
                    changed = self._sync(now)
                except Exception as e:  # noqa: BLE001 - keep checking whatever happens
                    self.stack.log("health sync failed: %r" % e)
            if changed:
                self.stack.dataplane_changed()
            nxt = now + 1.0
            with self._lock:
                for st in self.states.values():
                    if st.probing:
                        continue
                    if st.next_due <= now:
                        st.probing = True
                        try:
                            self._pool.submit(self._probe, st)
                        except RuntimeError:
                            return
                    else:
                        nxt = min(nxt, st.next_due)
                for d in self.draining.values():
                    nxt = min(nxt, d["until"])
            self._wake.wait(max(0.02, min(nxt, now + 2.0) - time.monotonic()))
            self._wake.clear()

    def _timing(self, tg):
        interval = max(0.5, float(tg.health_check_interval_seconds) * self.scale)
        configured = float(tg.health_check_timeout_seconds)
        timeout = min(configured, max(2.0, configured * self.scale))
        return interval, timeout

    def _probe(self, st):
        tg = st.tg
        start = time.monotonic()
        interval, timeout = self._timing(tg)
        if not tg.health_check_enabled:
            result = ("unavailable", "Target.HealthCheckDisabled", "Health checks are disabled")
        else:
            result = self._check(tg, st, timeout)
        routing_changed = False
        with self._lock:
            if self.states.get((st.tg_arn, st.ip)) is not st:
                return  # deregistered meanwhile
            before = st.state
            st.probes += 1
            if result is None:
                st.ok_streak += 1
                st.fail_streak = 0
                if st.state != "healthy" and (st.ok_streak >= int(tg.healthy_threshold_count)
                                              or st.state == "unavailable"):
                    st.state, st.reason, st.desc = "healthy", None, None
                elif st.state == "initial":
                    st.reason, st.desc = "Elb.InitialHealthChecking", "Initial health checks in progress"
            elif result[0] == "unavailable":
                st.state, st.reason, st.desc = result
            else:
                st.fail_streak += 1
                st.ok_streak = 0
                if st.state == "unhealthy" or st.fail_streak >= int(tg.unhealthy_threshold_count):
                    st.state, st.reason, st.desc = "unhealthy", result[0], result[1]
                elif st.state == "initial":
                    st.reason, st.desc = "Elb.InitialHealthChecking", "Initial health checks in progress"
            routing_changed = (before == "healthy") != (st.state == "healthy")
            st.next_due = start + interval
            st.probing = False
        if before != st.state:
            self.stack.log("target %s:%d in %s: %s -> %s %s" % (
                st.ip, st.port, tg.name, before, st.state, st.reason or ""))
        if routing_changed:
            self.stack.dataplane_changed()

    @staticmethod
    def _check(tg, st, timeout):
        """None if healthy, else (reason, description)."""
        if not is_loopback(st.ip):
            return ("Target.Timeout", "Request timed out")
        port = st.port if tg.health_check_port in (None, "traffic-port") else int(tg.health_check_port)
        path = tg.health_check_path or "/"
        conn = http.client.HTTPConnection(st.ip, port, timeout=timeout)
        try:
            conn.request("GET", path, headers={
                "Host": "%s:%d" % (st.ip, port), "User-Agent": "ELB-HealthChecker/2.0",
                "Connection": "close", "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            resp.read(4096)
            code = resp.status
        except (socket.timeout, TimeoutError):
            return ("Target.Timeout", "Request timed out")
        except (OSError, http.client.HTTPException):
            return ("Target.FailedHealthChecks", "Health checks failed")
        finally:
            conn.close()
        if matcher_ok(tg.matcher, code):
            return None
        return ("Target.ResponseCodeMismatch", "Health checks failed with these codes: [%d]" % code)
