# coursefiles.py — which files of the course tree go into a package (the student
# release, the Gradescope autograder): what git tracks plus new files it does not
# ignore, never build/ or .git/, and nothing under the excluded prefixes.
import os
import subprocess


def course_files(root, exclude):
    """Relative paths of the course's files under root, sorted, minus `exclude` prefixes."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             check=True, capture_output=True).stdout.decode("utf-8", "surrogateescape")
        files = [p for p in out.split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in (".git", "build")]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    keep = []
    for p in sorted(set(files)):
        if p.startswith(("build/", ".git/")) or any(p == e.rstrip("/") or p.startswith(e) for e in exclude):
            continue
        if os.path.isfile(os.path.join(root, p)) and not os.path.islink(os.path.join(root, p)):
            keep.append(p)   # deleted-but-tracked files and symlinks stay out
    return keep


def exercise_files(manifest):
    """Every learner file the manifest lists, in learning order."""
    return [f for lesson in manifest.get("lessons", []) for ex in lesson.get("exercises", [])
            for f in ex.get("files", [])]
