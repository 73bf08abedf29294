#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium loads the failing run
with the hostile body from file://, takes screenshots (1280 px and a 390 px
phone) and dumps the DOM.  Proves that no script ran (the title is not
PWNED, the DOM holds no <script> or <img> element) and that nothing was
fetched: every request would go through a loopback proxy that records
connections, and the <img> in the body points at a loopback server that
records connections too; neither may see a request from the page.

Chromium itself talks to Google services in the background (network time,
component updater, accounts) even with --disable-background-networking and
--disable-component-update; those requests reach the proxy too.  They are
told apart by host (Google service domains only, listed in the output) — any
other request, and any request naming the loopback target, fails the test.
A positive control (a page with an <img> pointing at the target, no CSP)
proves the recorder does see a fetch when one happens.

Screenshots are left in $BUILDDIR/report-screenshots/.  SKIPs when Debian's
chromium is not installed.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

from tap import Tap

t = Tap()
BUILDDIR = os.environ.get("BUILDDIR", os.path.abspath("build/debug"))
SAMPLE = os.path.join(BUILDDIR, "tests", "tools", "report_sample")
CHROMIUM = "/usr/bin/chromium"


class Recorder:
    """A loopback listener that records every connection it accepts."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen = []
        self.stop = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop:
            try:
                conn, addr = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            try:
                conn.settimeout(0.5)
                data = conn.recv(512)
            except OSError:
                data = b""
            self.seen.append((addr, data[:200]))
            try:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


# Hosts Chromium contacts on its own, whatever the page holds.
BROWSER_HOSTS = (".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com")


def request_host(data):
    """Host of a proxied request line: 'GET http://h/…' or 'CONNECT h:443'."""
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split()
    if len(parts) < 2:
        return ""
    target = parts[1]
    if "://" in target:
        target = target.split("://", 1)[1]
    return target.split("/", 1)[0].rsplit(":", 1)[0].lower()


def page_requests(seen):
    """The recorded requests that are not Chromium's own background calls."""
    own = [s for s in seen if ("." + request_host(s[1])).endswith(BROWSER_HOSTS)]
    return [s for s in seen if s not in own], own


def chromium(profile, proxy_port, *args):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile, "--proxy-server=127.0.0.1:%d" % proxy_port,
           "--proxy-bypass-list=<-loopback>", "--hide-scrollbars"] + list(args)
    return subprocess.run(cmd, capture_output=True, timeout=90)


def main():
    if not os.path.exists(CHROMIUM):
        t.skip("headless Chromium renders the report without running scripts or fetching",
               "%s not installed (apt-get install chromium)" % CHROMIUM)
        return t.done()
    if not os.path.exists(SAMPLE):
        t.ok(False, "report_sample tool built", diag="missing " + SAMPLE)
        return t.done()
    proxy = Recorder()
    target = Recorder()
    tmp = tempfile.mkdtemp(prefix="albcheck-browser-")
    shots = os.path.join(BUILDDIR, "report-screenshots")
    os.makedirs(shots, exist_ok=True)
    try:
        out = os.path.join(tmp, "reports")
        p = subprocess.run([SAMPLE, out, str(target.port)], capture_output=True, timeout=60)
        t.eq(p.returncode, 0, "sample reports written (hostile <img> points at port %d)" % target.port)
        url = "file://" + os.path.join(out, "hostile.html")

        # One launch per screenshot; the desktop one also dumps the DOM after
        # the page settled (Chromium takes seconds to start here).
        dump = None
        for label, size in (("desktop", "1280,2000"), ("phone", "390,1200")):
            png = os.path.join(shots, "hostile-%s.png" % label)
            if os.path.exists(png):
                os.unlink(png)
            prof = tempfile.mkdtemp(dir=tmp)
            extra = ["--dump-dom", "--virtual-time-budget=2000"] if label == "desktop" else []
            p = chromium(prof, proxy.port, "--screenshot=" + png, "--window-size=" + size, *extra, url)
            if label == "desktop":
                dump = p
            ok = os.path.exists(png) and os.path.getsize(png) > 10000
            with open(png, "rb") if ok else open(os.devnull, "rb") as f:
                magic = f.read(8)
            t.ok(ok and magic == b"\x89PNG\r\n\x1a\n", "screenshot at %s taken (%s)" % (size, png),
                 diag=p.stderr.decode(errors="replace")[-1500:])

        p = dump
        dom = p.stdout.decode("utf-8", "replace")
        t.ok(p.returncode == 0 and "<html" in dom and "</html>" in dom, "the DOM was dumped",
             diag=p.stderr.decode(errors="replace")[-1500:])
        low = dom.lower()
        title = dom[low.find("<title>") + 7:low.find("</title>")] if "<title>" in low else ""
        t.ok(title.startswith("albcheck ") and "PWNED" not in title,
             "the page title is albcheck's, not PWNED (no script ran)", diag=title)
        t.ok("<script" not in low, "the DOM holds no <script> element")
        t.ok("<img" not in low, "the DOM holds no <img> element")
        t.ok("&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom
             or "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in dom,
             "the hostile body is text in the DOM")
        with open(os.path.join(out, "hostile.html"), encoding="utf-8") as f:
            n_details = f.read().count("<details")
        t.eq(dom.count("<details"), n_details, "the DOM has the same <details> as the file (nothing added)")

        proxy_seen, target_seen = list(proxy.seen), list(target.seen)
        from_page, own = page_requests(proxy_seen)
        if own:
            t.diag("ignored Chromium background requests: %s" % sorted({request_host(s[1]) for s in own}))
        t.eq(from_page, [], "nothing was fetched through the proxy by the report")
        t.ok(not any(str(target.port).encode() in s[1] or b"fetched" in s[1] for s in proxy_seen),
             "no proxied request names the <img> target")
        t.eq(target_seen, [], "the <img> target at 127.0.0.1:%d saw no connection" % target.port)

        # Positive control: without a CSP an <img> is fetched, and seen.
        control = os.path.join(tmp, "control.html")
        with open(control, "w") as f:
            f.write('<!DOCTYPE html><title>control</title><img src="http://127.0.0.1:%d/control">'
                    % target.port)
        n_before = len(proxy.seen) + len(target.seen)
        prof = tempfile.mkdtemp(dir=tmp)
        chromium(prof, proxy.port, "--dump-dom", "--virtual-time-budget=2000", "file://" + control)
        fetched = [s for s in proxy.seen + target.seen if b"/control" in s[1]]
        t.ok(len(proxy.seen) + len(target.seen) > n_before and fetched,
             "control: the recorders do see an <img> fetch from a page without the CSP")
    finally:
        proxy.close()
        target.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
