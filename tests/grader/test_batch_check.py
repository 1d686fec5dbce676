#!/usr/bin/env python3
# test_batch_check.py — checks what `cio-grade batch` wrote for the batch fixtures
# (see test_batch.sh): the gradebook cell by cell (RFC 4180, CRLF), each student's
# results, students finished before an interruption left untouched (same mtime), no
# half-written files, a JUnit file per student, and report.html well-formed and
# self-contained. Usage: test_batch_check.py OUT MTIMES.json
import csv
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

out, mtimes_path = sys.argv[1], sys.argv[2]
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "zoe"]
EXERCISES = ["01.1 add", "01.2 sleepers", "02.1 counter", "09.1 secret"]
FULL = {"01.1 add": 3, "01.2 sleepers": 3, "02.1 counter": 3, "09.1 secret": 1}
# What each student solved; every other exercise is graded as the stub (zoe's row).
SOLVED = {"alice": set(EXERCISES), "bob": {"01.1 add", "01.2 sleepers"}, "carol": {"01.1 add"},
          "dave": {"02.1 counter"}, "erin": set(), "frank": set(), "grace": set(), "heidi": set(), "ivan": set(),
          "zoe": set()}
REFUSED = {"erin": "tar cannot read it", "frank": "outside the submission", "heidi": "is a symbolic link",
           "ivan": "outside the submission"}

# ---- gradebook.csv -------------------------------------------------------------------
raw = open(os.path.join(out, "gradebook.csv"), "rb").read()
check(raw.count(b"\r\n") == len(STUDENTS) + 1 and b"\n" not in raw.replace(b"\r\n", b""),
      "gradebook lines end with CRLF (RFC 4180)")
rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
check(rows[0] == ["student"] + EXERCISES + ["total", "max_score", "note"], f"gradebook header: {rows[0]}")
book = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
check(sorted(book) == STUDENTS, f"one row per student: {sorted(book)}")
stub = {e: float(book["zoe"][e]) for e in EXERCISES}
check(stub["01.1 add"] == 0 and stub["02.1 counter"] == 0 and stub["09.1 secret"] == 0, f"the stubs score 0: {stub}")
for s in STUDENTS:
    row = book.get(s)
    if not row:
        continue
    for e in EXERCISES:
        want = 0 if s in REFUSED else FULL[e] if e in SOLVED[s] else stub[e]
        check(float(row[e]) == want, f"{s} {e}: {row[e]}, expected {want}")
    check(abs(float(row["total"]) - sum(float(row[e]) for e in EXERCISES)) < 1e-9, f"{s}: total is the sum")
    check(float(row["max_score"]) == 10, f"{s}: max_score 10 (hidden tests count)")
for s, why in REFUSED.items():
    check(why in book[s]["note"], f"{s}: the note says why the archive was refused: {book[s]['note']!r}")
check("symbolic link" in book["grace"]["note"], f"grace: the symlink is reported: {book['grace']['note']!r}")
check("placed by name" in book["carol"]["note"], "carol: files placed by name are reported")
check("1 of 5 exercise files" in book["dave"]["note"] or "1 of 4 exercise files" in book["dave"]["note"],
      f"dave: missing files are reported: {book['dave']['note']!r}")

# ---- per-student results -------------------------------------------------------------
mtimes = json.load(open(mtimes_path))
for s in STUDENTS:
    path = os.path.join(out, "students", s + ".json")
    doc = json.load(open(path, encoding="utf-8"))
    check(doc["format"] == "cio-grade-results" and doc["student"] == s, f"{s}.json names its student")
    check([e["id"] + " " + e["name"] for e in doc["exercises"]] == EXERCISES, f"{s}.json covers every exercise")
    check(len(doc.get("course_fingerprint", "")) == 16, f"{s}.json carries the course fingerprint")
    if s in mtimes:
        check(os.stat(path).st_mtime_ns == mtimes[s], f"{s} was finished before the interruption but was regraded")
carol = json.load(open(os.path.join(out, "students", "carol.json")))
counter = next(e for e in carol["exercises"] if e["id"] == "02.1")
check(all(t["verdict"] == "compile-error" for t in counter["tests"]), "carol's 02.1 is a compile error")
check("expected" in (counter["tests"][0]["message"] or ""), "the compile error names the compiler's complaint")
alice = json.load(open(os.path.join(out, "students", "alice.json")))
check(alice["score"] == 10 and all(e["done"] for e in alice["exercises"]), "alice has full marks")
hidden = [t for e in alice["exercises"] for t in e["tests"] if t["visibility"] == "hidden"]
check(hidden and all(t["verdict"] == "pass" and not t.get("skipped") for t in hidden), "hidden tests were run")
leftovers = [f for f in os.listdir(os.path.join(out, "students")) if f.startswith(".")]
check(not leftovers, f"no temporary files left: {leftovers}")
check(not os.path.exists(os.path.join(out, ".work")), "the staging directory is removed")

# ---- JUnit per student (--format junit) -----------------------------------------------
for s in STUDENTS:
    path = os.path.join(out, "students", s + ".xml")
    if not os.path.exists(path):
        continue   # run 3 ran without --format; run 2 checked them
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites" and len(root.findall("testsuite")) == 4, f"{s}.xml: one testsuite per exercise")

# ---- report.html ---------------------------------------------------------------------
html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
try:
    page = ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))
except ET.ParseError as e:
    page = None
    check(False, f"report.html is not well-formed: {e}")
for bad in ("http://", "https://", "src=", "<script", "<link", "url(", "@import", "<iframe", "<object"):
    check(bad not in html, f"report.html is self-contained: it contains {bad!r}")
if page is not None:
    body = page.find("body")
    svgs = page.findall(".//svg")
    check(len(svgs) >= 3, f"report.html draws its charts inline ({len(svgs)} svg)")
    details = page.findall(".//details")
    check(len(details) == len(STUDENTS), f"one section per student ({len(details)})")
    check(all(d.find("table") is not None or d.get("id") for d in details), "each student has a section")
    tables = [d for d in details if d.find("table") is not None]
    check(len(tables) == len(STUDENTS) - len(REFUSED), f"a table per graded student ({len(tables)})")
    text = "".join(body.itertext())
    for s in STUDENTS:
        check(s in text, f"report names {s}")
    check("Score distribution" in text and "Pass rate per exercise" in text and "Most common failures" in text,
          "report has the three charts")
    check(re.search(r"compile-error", text) is not None, "the common failures include carol's compile error")

if problems:
    for p in problems:
        print("FAIL:", p)
    sys.exit(1)
print(f"test_batch_check: gradebook, {len(STUDENTS)} results, resume and report all right")
