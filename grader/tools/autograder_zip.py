#!/usr/bin/env python3
# autograder_zip.py — `make autograder-zip`: build/autograder.zip for Gradescope. At
# the zip's root: setup.sh and run_autograder (grader/gradescope/), beside the course
# with its hidden tests but without solutions/, the project's own tests, benchmarks
# and docs. Gradescope unpacks it into /autograder/source.
import argparse
import os
import sys
import time
import zipfile

sys.dont_write_bytecode = True   # leave no __pycache__ in the course tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coursefiles import course_files  # noqa: E402

EXCLUDE = ["solutions/", "tests/", ".ci/", "bench/", "docs/", "grader/tools/", "grader/classroom/",
           "grader/gradescope/", "grader/instructor.mk", "seed/"]
ENTRY = ["setup.sh", "run_autograder"]   # from grader/gradescope/, at the zip's root


def add(z, src, arcname):
    st = os.stat(src)
    info = zipfile.ZipInfo(arcname, date_time=time.localtime(st.st_mtime)[:6])
    info.external_attr = (0o755 if st.st_mode & 0o111 else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(src, "rb") as f:
        z.writestr(info, f.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", default=".")
    ap.add_argument("--out", default="build/autograder.zip")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    files = course_files(root, EXCLUDE)
    if "lessons/course.json" not in files:
        print("autograder-zip: lessons/course.json is missing; nothing to grade", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for name in ENTRY:
            add(z, os.path.join(root, "grader/gradescope", name), name)
        for rel in files:
            if rel in ENTRY:
                continue
            add(z, os.path.join(root, rel), rel)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, a.out)
    print(f"autograder-zip: {a.out}: {len(files) + len(ENTRY)} files (hidden tests in, solutions out); "
          "upload it as the assignment's autograder on Gradescope")
    return 0


if __name__ == "__main__":
    sys.exit(main())
