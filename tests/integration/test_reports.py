#!/usr/bin/env python3
"""Report writers on synthetic runs (tests/tools/report_sample.c).

Three runs — passing, failing, hostile body — are written as JUnit XML, HTML,
JSON, a GitHub step summary and ::error annotations.  Checks: JUnit validates
against the Jenkins xUnit schema ($SHARED/junit/junit-10.xsd; skipped when
$SHARED is absent, well-formedness is still checked) with one <testcase> per
check and matching counts; the HTML parses, holds no <script and shows the
hostile body escaped; the JSON parses and holds every check; GitHub output is
escaped; files are written atomically (no temporary files left, an existing
report replaced, a folder that cannot be created or a rename that fails gives
a clean error and no temporary file).
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from tap import Tap

t = Tap()
BUILDDIR = os.environ.get("BUILDDIR", os.path.abspath("build/debug"))
SAMPLE = os.path.join(BUILDDIR, "tests", "tools", "report_sample")
SHARED = os.environ.get("SHARED", "")
XSD = os.path.join(SHARED, "junit", "junit-10.xsd") if SHARED else ""
PORT = 47123
RUNS = ("pass", "fail", "hostile")


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, timeout=60, **kw)


def html_errors(stderr):
    """xmllint --html knows HTML 4 only: 'Tag X invalid' for HTML5/SVG
    elements is expected; any other message is a real error."""
    lines = [l for l in stderr.decode("utf-8", "replace").splitlines()
             if "parser error" in l or "parser warning" in l]
    return [l for l in lines if not re.search(r"Tag \S+ invalid", l)]


def main():
    if not os.path.exists(SAMPLE):
        t.ok(False, "report_sample tool built", diag="missing %s (run make unit)" % SAMPLE)
        return t.done()
    tmp = tempfile.mkdtemp(prefix="albcheck-reports-")
    try:
        out = os.path.join(tmp, "out", "nested")  # the folder is created
        p = run(SAMPLE, out, str(PORT))
        t.eq(p.returncode, 0, "report_sample writes every report into a new nested folder")
        if p.returncode:
            t.diag(p.stderr.decode())
            return t.done()
        leftovers = [f for f in os.listdir(out) if f.startswith(".")]
        t.eq(leftovers, [], "no temporary files are left behind")
        for name in RUNS:
            check_run(out, name)
        check_hostile(out)
        check_unreachable(out)
        check_github_env(tmp)
        check_atomic(tmp)
        check_stdout()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.done()


def check_run(out, name):
    xml_path = os.path.join(out, name + ".xml")
    html_path = os.path.join(out, name + ".html")
    json_path = os.path.join(out, name + ".json")

    # --- JSON first: it is the list of checks the other formats must match.
    doc = None
    try:
        with open(json_path, "rb") as f:
            raw = f.read()
        raw.decode("utf-8")  # strict: the file is valid UTF-8
        doc = json.loads(raw)
        t.ok(True, "%s: JSON is valid UTF-8 and parses" % name)
    except Exception as e:  # noqa: BLE001
        t.ok(False, "%s: JSON is valid UTF-8 and parses" % name, diag=repr(e))
        return
    checks = doc["checks"]
    counts = doc["counts"]
    t.eq(doc["schema_version"], 1, "%s: schema_version is 1" % name)
    t.eq(counts["total"], len(checks), "%s: JSON counts.total equals the checks listed" % name)
    by_status = {}
    for c in checks:
        by_status[c["status"]] = by_status.get(c["status"], 0) + 1
    t.ok(all(counts[s] == by_status.get(s, 0) for s in ("pass", "fail", "error", "skip", "flaky")),
         "%s: JSON counts match the statuses of the checks" % name, diag=(counts, by_status))
    want_verdict = {"pass": "pass", "fail": "fail", "hostile": "fail"}[name]
    t.eq(doc["verdict"], want_verdict, "%s: verdict" % name)
    t.eq(doc["exit_status"], 0 if name == "pass" else 1, "%s: exit_status" % name)
    topo = doc["topology"]
    t.ok(topo and len(topo["target_groups"]) == 3 and len(topo["listeners"][0]["rules"]) == 4
         and len(topo["services"]) == 3, "%s: JSON topology summary holds rules, groups, services" % name)

    # --- JUnit
    p = run("xmllint", "--noout", xml_path)
    t.ok(p.returncode == 0, "%s: JUnit XML is well-formed" % name, diag=p.stderr.decode()[:2000])
    if XSD and os.path.exists(XSD):
        p = run("xmllint", "--noout", "--schema", XSD, xml_path)
        t.ok(p.returncode == 0, "%s: JUnit XML validates against junit-10.xsd" % name,
             diag=p.stderr.decode()[:2000])
    else:
        t.skip("%s: JUnit XML validates against junit-10.xsd" % name,
               "$SHARED/junit/junit-10.xsd not available")
    root = ET.parse(xml_path).getroot()
    cases = root.findall("./testsuite/testcase")
    t.eq(len(cases), len(checks), "%s: one <testcase> per check" % name)
    ids = [re.search(r"\[(.*)\]$", c.get("name")).group(1) for c in cases]
    t.eq(sorted(ids), sorted(c["id"] for c in checks), "%s: testcase names carry every check id" % name)
    groups = sorted({c["group"] for c in checks})
    suites = root.findall("./testsuite")
    t.eq(sorted(s.get("name") for s in suites), groups, "%s: one <testsuite> per group" % name)
    ok = True
    for s in suites:
        tcs = s.findall("testcase")
        ok &= int(s.get("tests")) == len(tcs)
        ok &= int(s.get("failures")) == sum(1 for c in tcs if c.find("failure") is not None)
        ok &= int(s.get("errors")) == sum(1 for c in tcs if c.find("error") is not None)
        ok &= int(s.get("skipped")) == sum(1 for c in tcs if c.find("skipped") is not None)
        ok &= all(c.get("classname") == s.get("name") for c in tcs)
        ok &= s.get("timestamp") == "2026-11-28T12:00:00"
        props = {p.get("name"): p.get("value") for p in s.findall("./properties/property")}
        ok &= props.get("run_id") == doc["run"]["id"] and props.get("region") == "eu-west-1"
        ok &= props.get("load_balancer_arn", "").startswith("arn:aws:elasticloadbalancing:")
        ok &= props.get("load_balancer_dns", "").endswith(".elb.amazonaws.com")
        ok &= props.get("suite") == "shop microservices"
    t.ok(ok, "%s: suite attributes, classnames and properties match their testcases" % name)
    t.eq((int(root.get("tests")), int(root.get("failures")), int(root.get("errors"))),
         (counts["total"], counts["fail"], counts["error"]), "%s: <testsuites> totals" % name)
    flaky = [c for c in cases if "FLAKY" in (c.findtext("system-out") or "")]
    t.eq(len(flaky), counts["flaky"], "%s: flaky checks pass with a note in <system-out>" % name)

    # --- HTML
    with open(html_path, "rb") as f:
        html = f.read()
    p = run("xmllint", "--html", "--noout", html_path)
    errs = html_errors(p.stderr)
    t.ok(p.returncode == 0 and not errs, "%s: HTML parses with xmllint --html" % name,
         diag="\n".join(errs[:20]))
    t.ok(b"<script" not in html.lower(), "%s: HTML holds no <script" % name)
    t.ok(b"Content-Security-Policy" in html and b"default-src 'none'" in html,
         "%s: HTML carries a CSP that forbids scripts and fetches" % name)
    ext = re.findall(rb"<(?:img|link|iframe|object|embed|base|meta http-equiv=\"refresh)\b", html, re.I)
    t.eq(ext, [], "%s: no element that loads anything" % name)
    t.ok(not re.search(rb"url\(|@import", html), "%s: the CSS fetches nothing" % name)
    t.eq(html.count(b"<details class=\"check"), len(checks), "%s: one <details> per check" % name)
    bad_ctl = [b for b in set(html) if b < 0x20 and b not in (0x09, 0x0A)]
    t.eq(bad_ctl, [], "%s: no raw control bytes in the HTML" % name)
    try:
        html.decode("utf-8")
        t.ok(True, "%s: HTML is valid UTF-8" % name)
    except UnicodeDecodeError as e:
        t.ok(False, "%s: HTML is valid UTF-8" % name, diag=repr(e))
    n_tg_nodes = html.count(b"<circle ")
    t.eq(n_tg_nodes, sum(len(g["targets"]) for g in topo["target_groups"]),
         "%s: one health dot per target in the topology picture" % name)
    if name == "fail":
        t.ok(b"node bad" in html and b"0/2 healthy" in html,
             "fail: failing topology elements are marked", diag=None)

    # --- GitHub annotations and step summary
    with open(os.path.join(out, name + ".gh"), "rb") as f:
        gh = f.read().decode("utf-8")
    lines = [l for l in gh.split("\n") if l]
    t.eq(len(lines), counts["fail"] + counts["error"], "%s: one ::error line per failing check" % name)
    t.ok(all(l.startswith("::error title=") and l.count("::") == 2 for l in lines) and "\r" not in gh,
         "%s: ::error lines are single, well-formed workflow commands" % name, diag=gh[:2000])
    with open(os.path.join(out, name + ".md"), encoding="utf-8") as f:
        md = f.read()
    rows = [l for l in md.splitlines() if l.startswith("| ") and not l.startswith("| status")]
    t.eq(len(rows), len(checks), "%s: step summary has a row per check" % name)
    order = ["fail" in r or "error" in r for r in [r.split("|")[1] for r in rows]]
    t.ok(order == sorted(order, reverse=True), "%s: failing checks come first in the step summary" % name)


def check_hostile(out):
    with open(os.path.join(out, "hostile.html"), "rb") as f:
        html = f.read()
    t.ok(b"&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html,
         "hostile: the <script> from the body appears escaped in the HTML")
    t.ok(("&lt;img src=&quot;http://127.0.0.1:%d/fetched&quot;&gt;" % PORT).encode() in html,
         "hostile: the <img> from the body appears escaped in the HTML")
    t.ok(b"]]&gt;" in html and b"\\x00\\x01\\x02" in html and b"\\x1b[2J" in html,
         "hostile: ]]>, NUL and ESC are shown visibly in the HTML")
    t.ok("\ufffd".encode() in html, "hostile: invalid UTF-8 is shown as U+FFFD in the HTML")
    with open(os.path.join(out, "hostile.xml"), "rb") as f:
        xml = f.read()
    bad_ctl = sorted(b for b in set(xml) if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    t.eq(bad_ctl, [], "hostile: no raw control bytes in the JUnit XML")
    t.ok(b"CDATA" not in xml and b"]]&gt;" in xml and b"\\x00" in xml and b"\\x1b" in xml,
         "hostile: no CDATA; ]]>, NUL and ESC escaped in the JUnit XML")
    root = ET.parse(os.path.join(out, "hostile.xml")).getroot()
    outs = [c.findtext("system-out") for c in root.iter("testcase")]
    t.ok(any("<script>document.title='PWNED'</script>" in (o or "") for o in outs),
         "hostile: the body round-trips as text through the JUnit <system-out>")
    with open(os.path.join(out, "hostile.json"), encoding="utf-8") as f:
        doc = json.load(f)
    bodies = [c["probe"]["body"] for c in doc["checks"] if c["probe"] and not c["probe"]["body"]["valid_utf8"]]
    t.eq(len(bodies), 1, "hostile: one body flagged as not valid UTF-8 in the JSON")
    if bodies:
        raw = base64.b64decode(bodies[0]["base64"])
        t.ok(len(raw) == 65536 and raw.startswith(b"<script>") and b"\x00\x01\x02" in raw
             and b"\xc0\xaf" in raw, "hostile: the base64 copy holds the raw 64 KiB excerpt")
        t.ok(bodies[0]["text"].startswith("<script>") and "\x00" in bodies[0]["text"]
             and "\ufffd" in bodies[0]["text"], "hostile: the text copy is repaired UTF-8 with NUL kept")
        t.eq((bodies[0]["excerpt_bytes"], bodies[0]["total_bytes"], bodies[0]["truncated"]),
             (65536, 70000, True), "hostile: excerpt and total sizes")
    with open(os.path.join(out, "hostile.gh"), "rb") as f:
        gh = f.read()
    t.ok(b"\x1b" not in gh and b"\\x1b[31m" in gh, "hostile: ESC in a message is made visible in ::error")


def check_unreachable(out):
    """AWS could not be reached: no topology, no checks, a run-level error."""
    with open(os.path.join(out, "unreachable.json"), encoding="utf-8") as f:
        doc = json.load(f)
    t.ok(doc["exit_status"] == 3 and doc["verdict"] == "error" and doc["topology"] is None
         and doc["checks"] == [] and "Connection refused" in doc["run"]["fatal"],
         "unreachable: JSON says exit 3, verdict error, no topology, the reason")
    xml_path = os.path.join(out, "unreachable.xml")
    if XSD and os.path.exists(XSD):
        p = run("xmllint", "--noout", "--schema", XSD, xml_path)
        t.ok(p.returncode == 0, "unreachable: JUnit XML validates", diag=p.stderr.decode()[:2000])
    else:
        t.skip("unreachable: JUnit XML validates", "$SHARED/junit/junit-10.xsd not available")
    root = ET.parse(xml_path).getroot()
    cases = root.findall("./testsuite/testcase")
    t.ok(len(cases) == 1 and cases[0].find("error") is not None
         and "Connection refused" in cases[0].find("error").get("message")
         and root.get("errors") == "1",
         "unreachable: JUnit has one <error> testcase saying why nothing ran")
    with open(os.path.join(out, "unreachable.html"), "rb") as f:
        html = f.read()
    p = run("xmllint", "--html", "--noout", os.path.join(out, "unreachable.html"))
    t.ok(p.returncode == 0 and not html_errors(p.stderr) and b"topology is not available" in html
         and b"Connection refused" in html, "unreachable: HTML parses and says why")


def check_github_env(tmp):
    """GITHUB_ACTIONS=true: report_write_all() annotates on stdout and
    appends (never truncates) the step summary."""
    out = os.path.join(tmp, "gh")
    summary = os.path.join(tmp, "summary.md")
    with open(summary, "w") as f:
        f.write("earlier step\n")
    env = dict(os.environ, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=summary)
    p = run(SAMPLE, out, str(PORT), env=env)
    lines = p.stdout.decode("utf-8").splitlines()
    t.ok(p.returncode == 0 and lines and all(l.startswith("::error title=") for l in lines),
         "GITHUB_ACTIONS=true: ::error annotations on stdout", diag=p.stdout.decode()[:500])
    with open(summary, encoding="utf-8") as f:
        md = f.read()
    t.ok(md.startswith("earlier step\n") and md.count("## albcheck") == 4,
         "GITHUB_ACTIONS=true: one summary per run appended to $GITHUB_STEP_SUMMARY")
    env = dict(os.environ)
    env.pop("GITHUB_ACTIONS", None)
    p = run(SAMPLE, out, str(PORT), env=env)
    t.eq(p.stdout, b"", "without GITHUB_ACTIONS nothing is printed")


def check_atomic(tmp):
    # An existing report is replaced, not appended to, and gets mode 0644.
    out = os.path.join(tmp, "again")
    os.makedirs(out)
    with open(os.path.join(out, "pass.json"), "w") as f:
        f.write("old")
    p = run(SAMPLE, out, str(PORT))
    with open(os.path.join(out, "pass.json")) as f:
        body = f.read()
    t.ok(p.returncode == 0 and body.startswith("{") and "old" not in body[:3],
         "an existing report is replaced whole")
    mode = os.stat(os.path.join(out, "pass.json")).st_mode & 0o777
    t.eq(oct(mode), oct(0o644), "reports are readable by others (0644), not mkstemp's 0600")

    # A folder that cannot be created: a regular file is in the way.
    blocker = os.path.join(tmp, "blocker")
    with open(blocker, "w") as f:
        f.write("x")
    p = run(SAMPLE, os.path.join(blocker, "sub"), str(PORT))
    err = p.stderr.decode()
    t.ok(p.returncode != 0 and "cannot create folder" in err and "Traceback" not in err
         and "AddressSanitizer" not in err, "an unwritable folder gives a clean error",
         diag=err[:500])

    # The rename fails (a non-empty directory sits at the report's path):
    # the error names the file, no temporary file is left, the other reports
    # of the run are still written.
    out = os.path.join(tmp, "renamefail")
    os.makedirs(os.path.join(out, "fail.xml", "keep"))
    p = run(SAMPLE, out, str(PORT))
    err = p.stderr.decode()
    left = [f for f in os.listdir(out) if f.startswith(".")]
    t.ok(p.returncode != 0 and "fail.xml" in err, "a failed rename is reported with the file name",
         diag=err[:500])
    t.eq(left, [], "a failed write leaves no temporary file")
    t.ok(os.path.exists(os.path.join(out, "fail.html")) and os.path.exists(os.path.join(out, "fail.json")),
         "the other reports are still written when one fails")


def check_stdout():
    p = run(SAMPLE, "--stdout", "json")
    try:
        doc = json.loads(p.stdout)
        t.ok(p.returncode == 0 and len(doc["checks"]) == doc["counts"]["total"],
             "'-' writes a report to stdout")
    except ValueError as e:
        t.ok(False, "'-' writes a report to stdout", diag=repr(e))
    p = run(SAMPLE, "--stdout", "junit,json")
    t.ok(p.returncode == 2 and p.stdout == b"" and b"only one report" in p.stderr,
         "two reports on stdout is a usage error", diag=p.stderr.decode()[:300])


if __name__ == "__main__":
    sys.exit(main())
