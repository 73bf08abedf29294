"""Child processes of the daemon (tasks, nginx): spawned so that none can outlive it.

Each child is started through a tiny fresh interpreter that sets PR_SET_PDEATHSIG
(SIGKILL when the daemon goes away) and then execs the real program; the death
signal survives exec. Linux ties that signal to the *thread* that forked, so every
spawn goes through one long-lived Spawner thread, never a short-lived request thread.
Stopping is always by pid: SIGTERM, then SIGKILL after a grace period.
"""
import os
import queue
import signal
import subprocess
import sys
import threading

# argv[1] = expected parent pid, argv[2:] = program and arguments.
_SHIM = (
    "import ctypes,os,sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)\n"
    "os.getppid() == int(sys.argv[1]) or os._exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


class Spawner:
    """Runs every Popen on one thread that lives as long as the daemon."""

    def __init__(self):
        self._q = queue.Queue()
        self._t = threading.Thread(target=self._loop, name="spawner", daemon=True)
        self._t.start()

    def _loop(self):
        while True:
            job = self._q.get()
            if job is None:
                return
            fn, box, done = job
            try:
                box["r"] = fn()
            except BaseException as e:  # noqa: BLE001 - handed back to the caller
                box["e"] = e
            done.set()

    def popen(self, argv, **kw):
        """subprocess.Popen(argv) with the death-signal shim, on the spawner thread."""
        full = [sys.executable, "-S", "-c", _SHIM, str(os.getpid())] + list(argv)
        box, done = {}, threading.Event()
        self._q.put((lambda: subprocess.Popen(full, **kw), box, done))
        done.wait()
        if "e" in box:
            raise box["e"]
        return box["r"]

    def close(self):
        self._q.put(None)


def stop(proc, grace=3.0, sig=signal.SIGTERM):
    """Stop a Popen by pid: sig (None: already sent), wait up to grace s, then SIGKILL. Returns exit code."""
    if proc.poll() is not None:
        return proc.returncode
    if sig is not None:
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass
    try:
        return proc.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    try:
        return proc.wait(5)
    except subprocess.TimeoutExpired:
        return None
