"""Minimal TAP producer for albcheck's script tests.

Every test script under tests/ prints TAP on stdout so that tests/run-tests can
count cases the same way for C (cmocka, CMOCKA_MESSAGE_OUTPUT=TAP) and Python:

    ok 1 - description
    not ok 2 - description
    ok 3 - description # SKIP reason

Usage:
    from tap import Tap
    t = Tap()
    t.ok(cond, "what it proves", diag="shown when it fails")
    t.skip("what it would prove", "why it was skipped")
    sys.exit(t.done())
"""
import sys
import traceback


class Tap:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.n = 0
        self.failed = 0

    def _line(self, text):
        self.out.write(text + "\n")
        self.out.flush()

    def diag(self, text):
        for line in str(text).splitlines() or [""]:
            self._line("# " + line)

    def ok(self, cond, desc, diag=None):
        self.n += 1
        desc = desc.replace("#", "\\#").replace("\n", " ")
        if cond:
            self._line("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            self._line("not ok %d - %s" % (self.n, desc))
            if diag is not None:
                self.diag(diag)
        return bool(cond)

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, diag="got:  %r\nwant: %r" % (got, want))

    def skip(self, desc, reason):
        self.n += 1
        self._line("ok %d - %s # SKIP %s" % (self.n, desc.replace("#", "\\#"), reason))

    def run(self, desc, fn, *args, **kw):
        """Run fn; an exception is a failed case with its traceback as diagnostics."""
        try:
            r = fn(*args, **kw)
        except Exception:  # noqa: BLE001 - a test case must never abort the script
            return self.ok(False, desc, diag=traceback.format_exc())
        return self.ok(r is not False, desc)

    def done(self):
        self._line("1..%d" % self.n)
        return 1 if self.failed else 0
