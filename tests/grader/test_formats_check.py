#!/usr/bin/env python3
# test_formats_check.py — reads back what test_formats wrote to FORMATS_OUT with
# independent parsers: the JUnit XML with xml.etree (well-formed, counts add up, every
# failure carries its verdict), the Gradescope results.json against the documented
# schema (keys, types, allowed values, hidden tests' visibility, score sums).
import json
import sys
import xml.etree.ElementTree as ET

out = sys.argv[1]
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


# ---- JUnit ---------------------------------------------------------------------------
root = ET.parse(f"{out}/results.xml").getroot()
check(root.tag == "testsuites", "root element is <testsuites>")
check(root.get("name") == "alice <&>", "student name round-trips through escaping")
suites = root.findall("testsuite")
check(len(suites) == 2, "one testsuite per exercise")
total = failures = errors = skipped = 0
for s in suites:
    cases = s.findall("testcase")
    check(int(s.get("tests")) == len(cases), f"{s.get('name')}: tests= matches the cases")
    f = sum(1 for c in cases if c.find("failure") is not None)
    e = sum(1 for c in cases if c.find("error") is not None)
    k = sum(1 for c in cases if c.find("skipped") is not None)
    check(int(s.get("failures")) == f, f"{s.get('name')}: failures= matches")
    check(int(s.get("errors")) == e, f"{s.get('name')}: errors= matches")
    check(int(s.get("skipped")) == k, f"{s.get('name')}: skipped= matches")
    total, failures, errors, skipped = total + len(cases), failures + f, errors + e, skipped + k
    for c in cases:
        check(c.get("classname", "").startswith(s.get("id") + "."), "classname starts with the exercise id")
        for bad in c.findall("failure") + c.findall("error"):
            check(bad.get("type") in {"fail", "crash", "timeout", "compile-error", "forbidden", "error"},
                  f"failure type is a verdict: {bad.get('type')}")
            check((bad.text or "").startswith(bad.get("type") + ":"), "failure text starts with the verdict")
check((int(root.get("tests")), int(root.get("failures")), int(root.get("errors")), int(root.get("skipped")))
      == (total, failures, errors, skipped), "testsuites totals add up")
check((total, failures, errors, skipped) == (8, 5, 1, 1), f"8 cases, 5 failures, 1 error, 1 skipped: {(total, failures, errors, skipped)}")
msg = root.find(".//testcase[@name='cancels_cleanly']/failure")
check(msg is not None and 'expected <3> & got "4"' in msg.text and "]]>" in msg.text, "hostile text survives escaping")
props = {p.get("name"): p.get("value") for p in suites[1].find("properties")}
check(props.get("title") == "A deadline & a scope" and props.get("max_score") == "11", "suite properties")

# ---- Gradescope ----------------------------------------------------------------------
VIS = {"hidden", "after_due_date", "after_published", "visible"}
TOP = {"score": (int, float), "execution_time": int, "output": str, "visibility": str,
       "stdout_visibility": str, "tests": list, "extra_data": dict, "leaderboard": list,
       "output_format": str, "test_output_format": str, "test_name_format": str}
TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str, "name_format": str,
        "number": str, "output": str, "output_format": str, "tags": list, "visibility": str, "extra_data": dict}
g = json.load(open(f"{out}/gradescope.json", encoding="utf-8"))
for k, v in g.items():
    check(k in TOP, f"top-level key {k} is in the schema")
    check(k not in TOP or isinstance(v, TOP[k]), f"top-level {k} has the schema's type")
for k in ("score", "execution_time", "output", "visibility", "stdout_visibility", "tests"):
    check(k in g, f"top-level {k} present")
check(g["visibility"] in VIS and g["stdout_visibility"] in VIS, "visibilities are allowed values")
hidden = {"survives_races", "hidden_forbidden"}
for t in g["tests"]:
    for k, v in t.items():
        check(k in TEST, f"test key {k} is in the schema")
        check(k not in TEST or isinstance(v, TEST[k]), f"test {k} has the schema's type")
    for k in ("name", "number", "score", "max_score", "status", "output", "visibility"):
        check(k in t, f"test {t.get('name')}: {k} present")
    check(t["status"] in {"passed", "failed"}, "status is passed or failed")
    check(t["visibility"] == ("after_published" if t["name"].split(": ")[-1] in hidden else "visible"),
          f"{t['name']}: hidden tests show after publication")
    check(0 <= t["score"] <= t["max_score"], f"{t['name']}: 0 <= score <= max_score")
    check((t["status"] == "passed") == (t["score"] == t["max_score"] and t["max_score"] > 0), f"{t['name']}: status agrees with score")
check(abs(sum(t["score"] for t in g["tests"]) - g["score"]) < 1e-9, "score is the sum of the tests")
check(abs(sum(t["max_score"] for t in g["tests"]) - 22) < 1e-9, "max scores add up to the result's maximum")
check(all("hidden_not_run" not in t["name"] for t in g["tests"]), "a skipped test is left out")

if problems:
    for p in problems:
        print("FAIL:", p)
    sys.exit(1)
print(f"test_formats_check: JUnit and Gradescope read back ({total} cases, {len(g['tests'])} Gradescope tests)")
