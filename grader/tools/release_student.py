#!/usr/bin/env python3
# release_student.py — `make release-student`: the course as students get it, in
# build/release/: no solutions/, no hidden tests (regions stripped from test files,
# entries dropped from the manifest), no instructor tooling, plus a README saying what
# it is and the GitHub Classroom workflow. Refuses to finish if anything hidden leaks.
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True   # leave no __pycache__ in the course tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coursefiles import course_files  # noqa: E402
from strip_hidden import StripError, strip_c, strip_manifest  # noqa: E402

EXCLUDE = ["solutions/", "tests/", ".ci/", "grader/tools/", "grader/instructor.mk", "grader/classroom/",
           "grader/gradescope/"]
MARK = ".cio-student-release"   # marks a directory this script may replace

README = """# {title} — student release

This is the student copy of the course, made by `make release-student` on {date}
from {commit}. It holds the lessons, the exercise stubs you edit, their visible tests,
the cio runtime and the `cio-grade` grader. It leaves out the reference solutions and
the hidden tests your instructor grades with: passing every visible test here is a
good sign, not the final grade.

Start here:

    make deps                 # install the Debian packages the course needs (once)
    make grade                # build everything and check every exercise
    build/cio-grade list      # your progress, exercise by exercise
    build/cio-grade watch     # re-check on every save and point at the next exercise
    build/cio-grade hint 01.1 # one more hint each time you ask

Each lesson's README (lessons/NN-topic/README.md) is the lesson itself; read it before
its exercises.

---

"""


def die(msg):
    print(f"release-student: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", default=".")
    ap.add_argument("--out", default="build/release")
    ap.add_argument("--workflow", default="grader/classroom/classroom.yml")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    out = os.path.abspath(a.out)
    if os.path.exists(out) and not os.path.exists(os.path.join(out, MARK)):
        die(f"{out} exists and was not made by this script; remove it or choose another --out")
    manifest_path = os.path.join(root, "lessons/course.json")
    try:
        manifest = json.load(open(manifest_path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        die(f"cannot read {manifest_path}: {e}")

    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    files = course_files(root, EXCLUDE)
    regions = 0
    try:
        for rel in files:
            src, dst = os.path.join(root, rel), os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if rel.startswith("lessons/") and rel.endswith((".c", ".h")):
                text, n = strip_c(open(src, encoding="utf-8").read(), rel)
                regions += n
                with open(dst, "w", encoding="utf-8") as f:
                    f.write(text)
                shutil.copymode(src, dst)
            elif rel == "lessons/course.json":
                continue   # written below
            else:
                shutil.copy2(src, dst)
        stripped = json.loads(json.dumps(manifest))
        dropped = strip_manifest(stripped)
    except StripError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        die(str(e))
    with open(os.path.join(tmp, "lessons/course.json"), "w", encoding="utf-8") as f:
        json.dump(stripped, f, indent=2, ensure_ascii=False)
        f.write("\n")

    # Nothing hidden may be left: no solutions, no hidden test function anywhere in lessons/.
    names = {name for _, name in dropped if name}
    for d, _, fs in os.walk(tmp):
        for fn in fs:
            rel = os.path.relpath(os.path.join(d, fn), tmp)
            if rel.startswith("solutions/"):
                die(f"{rel}: a solution slipped into the release")
            if rel.startswith("lessons/") and rel.endswith((".c", ".h")):
                text = open(os.path.join(d, fn), encoding="utf-8").read()
                if re.search(r"^\s*#\s*if.*CIO_HIDDEN_TESTS", text, re.M):
                    die(f"{rel}: a CIO_HIDDEN_TESTS region is still there")
                for name in names:
                    if re.search(rf"\b{re.escape(name)}\b", text):
                        die(f"{rel}: hidden test '{name}' is still named here; keep hidden test "
                            "functions inside #ifdef CIO_HIDDEN_TESTS")

    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                                check=True, text=True).stdout.strip()
        commit = f"commit {commit}"
    except (OSError, subprocess.CalledProcessError):
        commit = "a course tree"
    readme_path = os.path.join(tmp, "README.md")
    original = open(readme_path, encoding="utf-8").read() if os.path.exists(readme_path) else ""
    with open(readme_path, "w", encoding="utf-8") as f:
        f.write(README.format(title=manifest.get("title", "cio"), commit=commit,
                              date=datetime.date.today().isoformat()) + original)
    wf = os.path.join(root, a.workflow)
    if os.path.exists(wf):
        os.makedirs(os.path.join(tmp, ".github/workflows"), exist_ok=True)
        shutil.copy2(wf, os.path.join(tmp, ".github/workflows/classroom.yml"))
    open(os.path.join(tmp, MARK), "w").write("made by grader/tools/release_student.py; safe to delete\n")

    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print(f"release-student: {out}: {len(files)} files, {len(dropped)} hidden tests dropped "
          f"({regions} regions stripped), no solutions")


if __name__ == "__main__":
    main()
