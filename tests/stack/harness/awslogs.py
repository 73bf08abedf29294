"""The awslogs log driver, emulated: task stdout lines -> CloudWatch Logs (moto).

Each line a task writes is stamped with the time it was read (the event's
timestamp) and delivered, after `delay` seconds (default 1.5; `fault log-delay S`
changes it, 0 allowed), to the task's log group in the stream
<awslogs-stream-prefix>/<container-name>/<task-id>, in order, batched per stream.
`fault log-drop SERVICE` discards that service's lines while it is active.
Delivery goes straight into moto's Logs backend under the stack lock, so moto sets
ingestionTime at delivery as CloudWatch does.
"""
import collections
import threading
import time

MAX_EVENT_BYTES = 256 * 1024 - 26


class LogShipper:
    def __init__(self, stack, delay=1.5):
        self.stack = stack
        self.default_delay = delay
        self.delay = delay
        self.dropped_services = set()
        self._q = collections.deque()   # (read_time, group, stream, ts_ms, message)
        self._cv = threading.Condition()
        self._stopping = False
        self.shipped = 0
        self.dropped = 0
        self._thread = threading.Thread(target=self._loop, name="awslogs", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self, flush=False):
        with self._cv:
            self._stopping = True
            if flush:
                self.delay = 0
            self._cv.notify()
        self._thread.join(5)

    def set_delay(self, seconds):
        with self._cv:
            self.delay = max(0.0, float(seconds))
            self._cv.notify()

    def submit(self, service, group, stream, line):
        """A line read from a task's stdout (bytes, without the newline)."""
        now = time.time()
        if service in self.dropped_services or group is None:
            self.dropped += 1
            return
        msg = line.decode("utf-8", "replace")
        if len(msg.encode("utf-8")) > MAX_EVENT_BYTES:
            msg = msg.encode("utf-8")[:MAX_EVENT_BYTES].decode("utf-8", "ignore")
        with self._cv:
            self._q.append((now, group, stream, int(now * 1000), msg))
            self._cv.notify()

    def _loop(self):
        while True:
            with self._cv:
                while True:
                    if self._stopping and (not self._q or self.delay > 0):
                        return
                    if self._q:
                        wait = self._q[0][0] + self.delay - time.time()
                        if wait <= 0:
                            break
                        self._cv.wait(min(wait, 1.0))
                    else:
                        self._cv.wait(1.0)
                due = []
                cutoff = time.time() - self.delay
                while self._q and self._q[0][0] <= cutoff:
                    due.append(self._q.popleft())
            self._deliver(due)

    def _deliver(self, items):
        batches = collections.OrderedDict()
        for _, group, stream, ts, msg in items:
            batches.setdefault((group, stream), []).append({"timestamp": ts, "message": msg})
        logs = self.stack.logs
        for (group, stream), events in batches.items():
            try:
                with self.stack.lock:
                    if group not in logs.groups:
                        self.dropped += len(events)
                        continue
                    if stream not in logs.groups[group].streams:
                        logs.create_log_stream(group, stream)
                    logs.put_log_events(group, stream, events)
                self.shipped += len(events)
            except Exception as e:  # noqa: BLE001 - one bad batch must not stop the driver
                self.dropped += len(events)
                self.stack.log("awslogs: %s %s: %r" % (group, stream, e))
