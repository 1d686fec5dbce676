#!/usr/bin/env python3
# strip_hidden.py — removes hidden tests for the student release: every region of a C
# file from `#ifdef CIO_HIDDEN_TESTS` (or `#if defined(CIO_HIDDEN_TESTS)`) to its
# matching `#endif` (an `#else` branch is kept, an `#ifndef CIO_HIDDEN_TESTS` body is
# kept without its directives), and every hidden test from the course manifest.
# Used by release_student.py; run alone: strip_hidden.py FILE.c... (rewrites in place).
import json
import re
import sys

DIRECTIVE = re.compile(r"^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$")
HIDDEN = "CIO_HIDDEN_TESTS"


class StripError(Exception):
    """A file the stripper cannot handle safely: it names the file and line."""


def _kind(word, rest):
    """'hidden' (true when hidden tests are on), 'visible' (the opposite), or 'other'."""
    cond = rest.split("//")[0].split("/*")[0].strip()
    if word == "ifdef" and cond == HIDDEN:
        return "hidden"
    if word == "ifndef" and cond == HIDDEN:
        return "visible"
    if word == "if":
        c = cond.replace(" ", "")
        if c in (f"defined({HIDDEN})", f"defined{HIDDEN}"):
            return "hidden"
        if c in (f"!defined({HIDDEN})", f"!defined{HIDDEN}"):
            return "visible"
    if HIDDEN in cond:
        raise StripError(f"condition too complex to strip safely: #{word} {cond}")
    return "other"


def strip_c(text, name="<text>"):
    """Return (text without hidden regions, number of regions removed)."""
    out, stack, removed = [], [], 0   # stack entries: [kind, keeping_this_branch]
    for lineno, line in enumerate(text.splitlines(keepends=True), 1):
        keep_now = all(keep for _, keep in stack)
        m = DIRECTIVE.match(line)
        if not m:
            if keep_now:
                out.append(line)
            continue
        word, rest = m.group(1), m.group(2)
        try:
            if word in ("ifdef", "ifndef", "if"):
                kind = _kind(word, rest)
                if kind == "other":
                    stack.append(["other", True])
                    if keep_now:
                        out.append(line)
                else:
                    stack.append([kind, kind == "visible"])
                    removed += kind == "hidden"
            elif word == "elif":
                if not stack:
                    raise StripError("#elif without #if")
                if stack[-1][0] != "other":
                    raise StripError(f"#elif inside a {HIDDEN} region is not supported; use #else")
                if keep_now:
                    out.append(line)
            elif word == "else":
                if not stack:
                    raise StripError("#else without #if")
                if stack[-1][0] == "other":
                    if keep_now:
                        out.append(line)
                else:
                    stack[-1][1] = not stack[-1][1]
            else:  # endif
                if not stack:
                    raise StripError("#endif without #if")
                kind, _ = stack.pop()
                if kind == "other" and all(keep for _, keep in stack):
                    out.append(line)
        except StripError as e:
            raise StripError(f"{name}:{lineno}: {e}") from None
    if stack:
        raise StripError(f"{name}: an #if is never closed (missing #endif)")
    return "".join(out), removed


def strip_manifest(doc):
    """Drop hidden tests from a parsed course.json; returns [(exercise id, test name)] dropped."""
    dropped = []
    for lesson in doc.get("lessons", []):
        for ex in lesson.get("exercises", []):
            tests = ex.get("tests", [])
            keep = [t for t in tests if t.get("visibility") != "hidden"]
            dropped += [(ex.get("id"), t.get("name")) for t in tests if t.get("visibility") == "hidden"]
            if tests and not keep:
                raise StripError(f"lessons/course.json: exercise {ex.get('id')} has only hidden tests; "
                                 "give it at least one visible test so that students can check their work")
            ex["tests"] = keep
    return dropped


def main(argv):
    if len(argv) < 2:
        print("usage: strip_hidden.py FILE.c... | course.json", file=sys.stderr)
        return 2
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            if path.endswith(".json"):
                doc = json.loads(text)
                dropped = strip_manifest(doc)
                text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
                print(f"{path}: {len(dropped)} hidden tests dropped")
            else:
                text, n = strip_c(text, path)
                print(f"{path}: {n} hidden regions removed")
        except StripError as e:
            print(f"strip_hidden: {e}", file=sys.stderr)
            return 1
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
