#!/usr/bin/env bash
# test_batch.sh — `cio-grade batch` end to end on the grader's fixture course, with the
# submissions of batch_fixtures/ (a directory, a .tar.gz, flat files, a compile error,
# missing files, a broken and a hostile archive, a symlink to a solution, an empty
# one). The first run is killed part way; the second must resume without regrading the
# students already finished; a third regrades only the student whose file changed.
# test_batch_check.py checks the gradebook, the results, the JUnit files and the report.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/../.."
GRADE=$(realpath "$BUILD/cio-grade")
COURSE=tests/grader/fixtures/course
FIX=tests/grader/batch_fixtures
WORK=$(realpath -m "$BUILD/tests/grader/batch")
SUBS=$WORK/submissions
OUT=$WORK/out
fail() { echo "test_batch: FAIL: $*" >&2; exit 1; }

# ---- the class -----------------------------------------------------------------------
rm -rf "$WORK" && mkdir -p "$SUBS" "$WORK/evil"
cp -r "$FIX/alice" "$FIX/carol" "$FIX/dave" "$SUBS/"
tar -czf "$SUBS/bob.tar.gz" -C "$FIX/bob-archive" bob-cio-course
printf 'this is not a gzip archive\n' > "$SUBS/erin.tar.gz"
echo 'int add(int a, int b) { return a + b; }' > "$WORK/evil/ex1_add.c"
tar -czPf "$SUBS/frank.tar.gz" -C "$WORK/evil" --transform 's,^,../../,' ex1_add.c
tar -tzPf "$SUBS/frank.tar.gz" | grep -q '^\.\./\.\./ex1_add.c$' || fail "could not build the hostile archive"
mkdir -p "$WORK/link/lessons/01-basics"   # heidi: a symlink member pointing at the solution
ln -s "$(realpath "$COURSE/solutions/01-basics/ex1_add.c")" "$WORK/link/lessons/01-basics/ex1_add.c"
tar -czf "$SUBS/heidi.tar.gz" -C "$WORK/link" lessons
tar -czPf "$SUBS/ivan.tgz" "$WORK/evil/ex1_add.c"   # ivan: an absolute member path
tar -tzPf "$SUBS/ivan.tgz" | grep -q '^/' || fail "could not build the archive with an absolute path"
mkdir -p "$SUBS/grace/lessons/01-basics" "$SUBS/zoe"
ln -s "$(realpath "$COURSE/solutions/01-basics/ex1_add.c")" "$SUBS/grace/lessons/01-basics/ex1_add.c"
echo "not a submission" > "$SUBS/notes.txt"
NSTUDENTS=10

count_results() { find "$OUT/students" -maxdepth 1 -name '[!.]*.json' 2>/dev/null | wc -l; }

# ---- run 1: interrupted --------------------------------------------------------------
"$GRADE" --course "$COURSE" batch "$SUBS" --out "$OUT" --jobs 1 > "$WORK/run1.out" 2> "$WORK/run1.err" &
pid=$!
for _ in $(seq 1 1200); do
    [ "$(count_results)" -ge 2 ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
done_before=$(count_results)
[ "$done_before" -ge 2 ] || { cat "$WORK/run1.err" >&2; fail "the first run graded $done_before students before it was killed"; }
[ "$done_before" -lt $NSTUDENTS ] || fail "the first run finished before it could be interrupted"
python3 - "$OUT/students" > "$WORK/mtimes.json" <<'PY'
import json, os, sys
d = sys.argv[1]
print(json.dumps({f[:-5]: os.stat(os.path.join(d, f)).st_mtime_ns for f in os.listdir(d)
                  if f.endswith(".json") and not f.startswith(".")}))
PY
echo "test_batch: run 1 killed after $done_before of $NSTUDENTS students"

# ---- run 2: resumes ------------------------------------------------------------------
start=$(date +%s.%N)
"$GRADE" --course "$COURSE" batch "$SUBS" --out "$OUT" --jobs 2 --format junit > "$WORK/run2.out" 2> "$WORK/run2.err" \
    || { cat "$WORK/run2.err" >&2; fail "the resumed batch exited with $?"; }
end=$(date +%s.%N)
grep -q "($((NSTUDENTS - done_before)) graded now, $done_before resumed" "$WORK/run2.out" \
    || { cat "$WORK/run2.out" >&2; fail "run 2 did not resume the $done_before finished students"; }
grep -q "skipping .*notes.txt" "$WORK/run2.err" || fail "a stray file was not reported"
grep -q '^\[[0-9]*/10\] ' "$WORK/run2.err" || fail "no plain progress lines when piped"
python3 tests/grader/test_batch_check.py "$OUT" "$WORK/mtimes.json"
echo "test_batch: run 2 resumed and finished in $(python3 -c "print(f'{$end - $start:.1f}')") s"

# ---- run 3: only a changed submission is graded again ---------------------------------
python3 - "$OUT/students" > "$WORK/mtimes.json" <<'PY'
import json, os, sys
d = sys.argv[1]
print(json.dumps({f[:-5]: os.stat(os.path.join(d, f)).st_mtime_ns for f in os.listdir(d)
                  if f.endswith(".json") and not f.startswith(".") and f != "dave.json"}))
PY
mtime_ns() { python3 -c 'import os, sys; print(os.stat(sys.argv[1]).st_mtime_ns)' "$1"; }
before_dave=$(mtime_ns "$OUT/students/dave.json")
sleep 1.1   # a newer mtime than the results, even on coarse clocks
touch "$SUBS/dave/lessons/02-races/ex1_counter.c"
"$GRADE" --course "$COURSE" batch "$SUBS" --out "$OUT" --jobs 2 > "$WORK/run3.out" 2> "$WORK/run3.err" \
    || fail "run 3 exited with $?"
grep -q "(1 graded now, $((NSTUDENTS - 1)) resumed" "$WORK/run3.out" || { cat "$WORK/run3.out" >&2; fail "run 3 did not regrade exactly dave"; }
[ "$(mtime_ns "$OUT/students/dave.json")" != "$before_dave" ] || fail "dave was not regraded"
python3 tests/grader/test_batch_check.py "$OUT" "$WORK/mtimes.json"

# ---- usage errors are the grader's, with exit status 2 ---------------------------------
set +e
"$GRADE" --course "$COURSE" batch "$SUBS" > /dev/null 2> "$WORK/usage.err"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--out OUT is required" "$WORK/usage.err" || fail "missing --out: exit $rc"
"$GRADE" --course "$COURSE" batch "$SUBS" --out "$SUBS/results" > /dev/null 2> "$WORK/usage.err"; rc=$?
[ $rc -eq 2 ] && grep -q "inside the submissions directory" "$WORK/usage.err" || fail "--out inside DIR: exit $rc"
[ ! -e "$SUBS/results" ] || fail "a refused --out was created inside DIR"
"$GRADE" --course "$COURSE" batch "$WORK/nowhere" --out "$OUT" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "a missing DIR: exit $rc"
set -e
echo "test_batch: passed"
