"""Check the three report files of one albcheck run (tests of issue 7).

    problems = report_problems(report_dir)   # [] when all is well

junit.xml must parse (and validate against $SHARED/junit/junit-10.xsd when
that file exists), report.json must parse and hold a "checks" list, and
report.html must parse with `xmllint --html` (HTML4 parser: only "Tag X
invalid" warnings for HTML5/SVG elements are tolerated).
"""
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

SHARED = os.environ.get("SHARED", "")
XSD = os.path.join(SHARED, "junit", "junit-10.xsd") if SHARED else ""


def have_xsd():
    return bool(XSD) and os.path.exists(XSD)


def html_errors(stderr):
    lines = [l for l in stderr.splitlines() if "parser error" in l or "parser warning" in l]
    return [l for l in lines if not re.search(r"Tag \S+ invalid", l)]


def junit_root(report_dir):
    return ET.parse(os.path.join(report_dir, "junit.xml")).getroot()


def junit_has_error(report_dir, words=()):
    """True when some testcase carries an <error> whose message/text has every word."""
    for tc in junit_root(report_dir).iter("testcase"):
        for er in tc.findall("error"):
            text = (er.get("message") or "") + " " + (er.text or "")
            if all(w in text for w in words):
                return True
    return False


def report_problems(report_dir):
    probs = []
    paths = {n: os.path.join(report_dir, n) for n in ("junit.xml", "report.json", "report.html")}
    for n, p in paths.items():
        if not os.path.exists(p) or os.path.getsize(p) == 0:
            probs.append("%s missing or empty" % n)
    if probs:
        return probs
    try:
        ET.parse(paths["junit.xml"])
    except ET.ParseError as e:
        probs.append("junit.xml does not parse: %s" % e)
    if have_xsd():
        p = subprocess.run(["xmllint", "--noout", "--schema", XSD, paths["junit.xml"]],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            probs.append("junit.xml does not validate: %s" % p.stderr[-800:])
    try:
        with open(paths["report.json"]) as f:
            rep = json.load(f)
        if not isinstance(rep.get("checks"), list):
            probs.append("report.json has no checks list")
    except ValueError as e:
        probs.append("report.json does not parse: %s" % e)
    p = subprocess.run(["xmllint", "--html", "--noout", paths["report.html"]],
                       capture_output=True, text=True, timeout=60)
    errs = html_errors(p.stderr)
    if p.returncode != 0 or errs:
        probs.append("report.html does not parse: %s" % "\n".join(errs[:10]))
    return probs
