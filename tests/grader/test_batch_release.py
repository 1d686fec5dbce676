#!/usr/bin/env python3
# test_batch_release.py — the instructor's packaging around batch grading: the hidden-
# test stripper on tricky preprocessor input, the student release of the fixture course
# (no solutions, no hidden tests, still gradable) and its leak check, the Gradescope
# autograder.zip and its run_autograder on a simulated /autograder, and the GitHub
# Classroom workflow's conversion of cio-grade's JSON. Usage: --build BUILD
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "grader", "tools"))
from strip_hidden import StripError, strip_c, strip_manifest  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "grader", "fixtures", "course")
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)
    return cond


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ---- the stripper --------------------------------------------------------------------
def test_strip():
    src = """a
#ifdef CIO_HIDDEN_TESTS
hidden1
#if X
nested
#endif
#endif
b
#if defined( CIO_HIDDEN_TESTS )
hidden2
#else
student_only
#endif
#ifndef CIO_HIDDEN_TESTS
kept_body
#endif
#if OTHER
other
#else
other_else
#endif
  #  ifdef CIO_HIDDEN_TESTS // a comment
hidden3
#endif
c
"""
    text, n = strip_c(src)
    check(n == 3, f"strip: 3 hidden regions, got {n}")
    check(text == "a\nb\nstudent_only\nkept_body\n#if OTHER\nother\n#else\nother_else\n#endif\nc\n",
          f"strip: wrong output:\n{text}")
    for bad, why in [("#ifdef CIO_HIDDEN_TESTS\n#elif X\n#endif\n", "#elif"),
                     ("#ifdef CIO_HIDDEN_TESTS\nx\n", "never closed"),
                     ("#if defined(CIO_HIDDEN_TESTS) && X\n#endif\n", "too complex"),
                     ("#endif\n", "without")]:
        try:
            strip_c(bad, "t.c")
            check(False, f"strip: {why} should be refused")
        except StripError as e:
            check(why in str(e) and "t.c:" in str(e), f"strip: the error names file and line: {e}")
    doc = {"lessons": [{"exercises": [{"id": "1", "tests": [{"name": "a", "visibility": "visible"},
                                                              {"name": "b", "visibility": "hidden"}]}]}]}
    check(strip_manifest(doc) == [("1", "b")] and [t["name"] for t in doc["lessons"][0]["exercises"][0]["tests"]] == ["a"],
          "strip: hidden manifest entries dropped")
    try:
        strip_manifest({"lessons": [{"exercises": [{"id": "2", "tests": [{"name": "h", "visibility": "hidden"}]}]}]})
        check(False, "strip: an exercise with only hidden tests is refused")
    except StripError:
        pass


# ---- the student release -------------------------------------------------------------
def test_release(build, grade):
    out = os.path.join(build, "tests", "grader", "release")
    shutil.rmtree(out, ignore_errors=True)
    r = run([sys.executable, os.path.join(ROOT, "grader/tools/release_student.py"), "--root", FIXTURE, "--out", out,
             "--workflow", os.path.join(ROOT, "grader/classroom/classroom.yml")])
    if not check(r.returncode == 0, f"release of the fixture course failed: {r.stderr}"):
        return
    files = [os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs]
    check(not [f for f in files if f.startswith("solutions/")], "release: no solutions")
    check(".github/workflows/classroom.yml" in files, "release: the Classroom workflow is installed")
    test = open(os.path.join(out, "lessons/01-basics/tests/ex1_add_test.c")).read()
    check("adds_small" in test and "adds_negative" not in test and "CIO_HIDDEN_TESTS" not in test,
          "release: the hidden test is stripped from the test file")
    manifest = json.load(open(os.path.join(out, "lessons/course.json")))
    names = [t["name"] for l in manifest["lessons"] for e in l["exercises"] for t in e["tests"]]
    check("adds_negative" not in names and "adds_small" in names, "release: the hidden test left the manifest")
    check("student release" in open(os.path.join(out, "README.md")).read(), "release: the README says what it is")
    # The release still grades: the stripped tests compile and run, the hidden points are gone.
    g = run([grade, "--course", out, "check", "--format", "json"])
    if check(g.returncode == 0, f"release: cio-grade check failed: {g.stderr[-2000:]}"):
        doc = json.loads(g.stdout)
        check(doc["max_score"] == 8, f"release: max score without the hidden test is 8, got {doc['max_score']}")
        check(all(t["verdict"] != "compile-error" for e in doc["exercises"] for t in e["tests"]),
              "release: every stripped test file still compiles")
    # A hidden test function left outside its #ifdef is caught, and nothing is released.
    tmp = tempfile.mkdtemp()
    try:
        leaky = os.path.join(tmp, "course")
        shutil.copytree(FIXTURE, leaky, ignore=shutil.ignore_patterns("build", ".cio-state.json"))
        path = os.path.join(leaky, "lessons/01-basics/tests/ex1_add_test.c")
        with open(path, "a") as f:   # a hidden test's name outside its #ifdef region
            f.write("\n/* adds_negative checks the signs too */\n")
        r = run([sys.executable, os.path.join(ROOT, "grader/tools/release_student.py"), "--root", leaky,
                 "--out", os.path.join(tmp, "rel")])
        check(r.returncode != 0 and "adds_negative" in r.stderr, f"release: a leaked hidden test is refused: {r.stderr}")
        check(not os.path.exists(os.path.join(tmp, "rel")), "release: nothing is left after a refusal")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # The real course releases cleanly too.
    real = os.path.join(build, "tests", "grader", "release-course")
    shutil.rmtree(real, ignore_errors=True)
    r = run([sys.executable, os.path.join(ROOT, "grader/tools/release_student.py"), "--root", ROOT, "--out", real])
    check(r.returncode == 0, f"release of the course failed: {r.stderr}")
    check(not os.path.exists(os.path.join(real, "solutions")), "course release: no solutions/")
    for d, _, fs in os.walk(os.path.join(real, "lessons")):
        for f in fs:
            if f.endswith(".c") and "CIO_HIDDEN_TESTS" in open(os.path.join(d, f), errors="replace").read():
                check(False, f"course release: {f} still mentions CIO_HIDDEN_TESTS")
    shutil.rmtree(real, ignore_errors=True)


# ---- Gradescope ----------------------------------------------------------------------
def test_gradescope(build, grade):
    z = os.path.join(build, "tests", "grader", "autograder.zip")
    r = run([sys.executable, os.path.join(ROOT, "grader/tools/autograder_zip.py"), "--root", ROOT, "--out", z])
    if not check(r.returncode == 0, f"autograder-zip failed: {r.stderr}"):
        return
    with zipfile.ZipFile(z) as zf:
        names = zf.namelist()
        for entry in ("setup.sh", "run_autograder"):
            info = zf.getinfo(entry) if entry in names else None
            check(info is not None and (info.external_attr >> 16) & 0o111, f"zip: {entry} at the root, executable")
        check("lessons/course.json" in names and "Makefile" in names, "zip: the course is in it")
        check(not [n for n in names if n.startswith(("solutions/", "tests/"))], "zip: no solutions, no project tests")
        hidden = any("CIO_HIDDEN_TESTS" in zf.read(n).decode(errors="replace")
                     for n in names if n.startswith("lessons/") and n.endswith("_test.c"))
        check(hidden or not [n for n in names if n.endswith("_test.c")], "zip: hidden tests are kept")

    # run_autograder on a simulated /autograder: the fixture course, a prebuilt grader.
    ag = tempfile.mkdtemp()
    try:
        src = os.path.join(ag, "source")
        shutil.copytree(FIXTURE, src, ignore=shutil.ignore_patterns("build", ".cio-state.json", "solutions"))
        os.makedirs(os.path.join(src, "build"))
        os.symlink(grade, os.path.join(src, "build", "cio-grade"))
        shutil.copy(os.path.join(ROOT, "grader/gradescope/run_autograder"), src)
        sub = os.path.join(ag, "submission")
        os.makedirs(os.path.join(sub, "lessons", "02-races"))
        shutil.copy(os.path.join(FIXTURE, "solutions/01-basics/ex1_add.c"), sub)                  # top level
        shutil.copy(os.path.join(FIXTURE, "solutions/02-races/ex1_counter.c"), os.path.join(sub, "lessons/02-races"))
        env = dict(os.environ, AUTOGRADER_ROOT=ag)
        r = run([os.path.join(src, "run_autograder")], env=env, cwd=ag)
        check(r.returncode == 0, f"run_autograder exited {r.returncode}: {r.stderr[-2000:]}")
        res = json.load(open(os.path.join(ag, "results", "results.json")))
        check(res["score"] == 6, f"run_autograder: 3 (01.1, hidden test included) + 3 (02.1) = 6, got {res['score']}")
        check("2 of 4 exercise files" in res["output"], "run_autograder: tells the student what it found")
        vis = {t["name"].split(": ")[-1]: t["visibility"] for t in res["tests"]}
        check(vis.get("adds_negative") == "after_published" and vis.get("adds_small") == "visible",
              f"run_autograder: hidden tests after publication: {vis}")
        check(abs(sum(t["score"] for t in res["tests"]) - res["score"]) < 1e-9, "run_autograder: scores add up")
        # The grader itself broken: still a results.json, saying so.
        os.remove(os.path.join(src, "build", "cio-grade"))
        r = run([os.path.join(src, "run_autograder")], env=env, cwd=ag)
        res = json.load(open(os.path.join(ag, "results", "results.json")))
        check(r.returncode == 0 and res["score"] == 0 and "could not grade" in res["output"],
              "run_autograder: a broken grader still writes results that say so")
    finally:
        shutil.rmtree(ag, ignore_errors=True)


# ---- GitHub Classroom ----------------------------------------------------------------
def test_classroom(build, grade):
    wf = open(os.path.join(ROOT, "grader/classroom/classroom.yml")).read()
    try:
        import yaml  # optional: the check below does not need it
        doc = yaml.safe_load(wf)
        steps = doc["jobs"]["run-autograding-tests"]["steps"]
        uses = [s.get("uses", "") for s in steps]
        check(any(u.startswith("actions/checkout") for u in uses), "classroom: checks out the code")
        check(any("autograding-grading-reporter" in u for u in uses), "classroom: reports to Classroom")
        check(any("make deps" in s.get("run", "") for s in steps), "classroom: make deps")
        check(any("cio-grade check --format json" in s.get("run", "") for s in steps), "classroom: cio-grade check")
    except ImportError:
        for want in ("actions/checkout", "make deps", "cio-grade check --format json", "autograding-grading-reporter"):
            check(want in wf, f"classroom: {want}")
    # Run the workflow's own conversion script on real cio-grade output.
    m = re.search(r"python3 - <<'PY'\n(.*?)\n\s*PY\n", wf, re.S)
    if not check(m is not None, "classroom: the conversion script is found"):
        return
    script = "\n".join(l[10:] if l.startswith(" " * 10) else l for l in m.group(1).split("\n"))
    tmp = tempfile.mkdtemp()
    try:
        g = run([grade, "--course", FIXTURE, "check", "01.1", "--format", "json"])
        open(os.path.join(tmp, "cio-results.json"), "w").write(g.stdout)
        gh = os.path.join(tmp, "out")
        r = run([sys.executable, "-c", script], cwd=tmp, env=dict(os.environ, GITHUB_OUTPUT=gh))
        if check(r.returncode == 0, f"classroom: the conversion failed: {r.stderr}"):
            line = open(gh).read().strip()
            res = json.loads(base64.b64decode(line.split("=", 1)[1]))
            check(res["version"] == 1 and res["status"] in ("pass", "fail") and res["max_score"] == 3,
                  f"classroom: runner results {res.get('status')} / {res.get('max_score')}")
            check({t["status"] for t in res["tests"]} <= {"pass", "fail"} and len(res["tests"]) == 2,
                  "classroom: one test per cio test case")
        os.remove(os.path.join(tmp, "cio-results.json"))
        open(os.path.join(tmp, "cio-results.json"), "w").write("")
        r = run([sys.executable, "-c", script], cwd=tmp, env=dict(os.environ, GITHUB_OUTPUT=gh + "2"))
        res = json.loads(base64.b64decode(open(gh + "2").read().strip().split("=", 1)[1]))
        check(r.returncode == 0 and res["status"] == "error", "classroom: no results is an error, not a pass")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    grade = os.path.join(build, "cio-grade")
    test_strip()
    test_release(build, grade)
    test_gradescope(build, grade)
    test_classroom(build, grade)
    if problems:
        for p in problems:
            print("FAIL:", p)
        return 1
    print("test_batch_release: stripper, student release, autograder.zip, run_autograder and Classroom all right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
