#!/usr/bin/env bash
# test_cli.sh — cio-grade's command line on a copy of the fixture course: list, check
# (exit statuses, --strict), hint (one more each time), reset (backup kept), the state
# file, NO_COLOR, and watch answering a save within about a second.
set -euo pipefail
BUILD=${1:-build}
KIT=$(pwd)
GRADE="$KIT/$BUILD/cio-grade"
T=$(mktemp -d /tmp/cio-cli-test-XXXXXX)
trap 'rm -rf "$T"' EXIT
cp -r tests/grader/fixtures/course "$T/course"
rm -rf "$T/course/build"
cd "$T/course"
mkdir -p build && ln -s "$KIT/$BUILD/libcio.a" build/libcio.a  # only for the kit lookup's sake
rm build/libcio.a
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }

out=$("$GRADE" list) || fail "list exited $?"
grep -q "0/4" <<<"$out" || fail "list shows no progress bar: $out"
grep -q "<- next" <<<"$out" || fail "list does not point at the next exercise"
ok "list"

set +e
out=$(NO_COLOR=1 "$GRADE" check 01.1); rc=$?
set -e
[ $rc -eq 0 ] || fail "check exited $rc for a failing exercise (must be 0: the grader worked)"
grep -q "add(2, 3) returned 0, expected 5" <<<"$out" || fail "check does not show the assertion: $out"
! grep -q $'\033' <<<"$out" || fail "colour codes with NO_COLOR / not a TTY"
ok "check (fail, exit 0, no colour when piped)"

set +e; "$GRADE" check 01.1 --strict >/dev/null; rc=$?; set -e
[ $rc -eq 1 ] || fail "check --strict exited $rc without full marks (want 1)"
set +e; "$GRADE" check 99.9 >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "check of an unknown exercise exited $rc (want 2)"
ok "check --strict and unknown ids"

h1=$("$GRADE" hint 01.1); h2=$("$GRADE" hint 01.1)
grep -q "Hint 1 of 3" <<<"$h1" && ! grep -q "Hint 2 of 3" <<<"$h1" || fail "first hint: $h1"
grep -q "Hint 2 of 3" <<<"$h2" || fail "second hint: $h2"
ok "hint gives one more each time"

cp "$KIT/tests/grader/fixtures/course/solutions/01-basics/ex1_add.c" lessons/01-basics/ex1_add.c
"$GRADE" check 01.1 --strict >/dev/null || fail "a solved exercise fails --strict"
grep -q '"done": true' .cio-state.json || fail "the state file does not record the exercise as done"
python3 -c 'import json,sys; json.load(open(".cio-state.json"))' || fail "the state file is not JSON"
out=$("$GRADE" list); grep -q "1/4" <<<"$out" || fail "list does not count the done exercise: $out"
ok "state file and progress"

mkdir -p .cio-pristine/lessons/01-basics
cp "$KIT/tests/grader/fixtures/course/lessons/01-basics/ex1_add.c" .cio-pristine/lessons/01-basics/
"$GRADE" reset 01.1 >/dev/null || fail "reset failed"
grep -q TODO lessons/01-basics/ex1_add.c || fail "reset did not restore the stub"
ls .cio-backup/lessons/01-basics/ex1_add.c.* >/dev/null || fail "reset kept no backup"
grep -q "return a + b" .cio-backup/lessons/01-basics/ex1_add.c.* || fail "the backup is not the learner's version"
ok "reset restores the stub and keeps a backup"

out=$("$GRADE" run 01.2) || fail "run failed"
grep -q "sleep_all returned" <<<"$out" || fail "run did not show the demo's output: $out"
ok "run"

out=$("$GRADE" trace 01.2 overlaps) || fail "trace failed"
grep -q "sleeper" <<<"$out" || echo "note: no task named sleeper in the timeline (stub has none): fine"
grep -q "trace file: build/trace/01.2-overlaps.json" <<<"$out" || fail "trace does not say where the file is: $out"
ok "trace"

# watch: a save is re-checked within about a second.
cp "$KIT/tests/grader/fixtures/course/lessons/01-basics/ex1_add.c" lessons/01-basics/ex1_add.c
"$GRADE" watch 01.1 < /dev/null > watch.out 2>&1 &
wpid=$!
disown $wpid
for i in $(seq 1 100); do grep -q "Watching" watch.out 2>/dev/null && break; sleep 0.1; done
grep -q "Watching" watch.out || fail "watch did not start: $(cat watch.out)"
start=$(date +%s.%N)
cp "$KIT/tests/grader/fixtures/course/solutions/01-basics/ex1_add.c" lessons/01-basics/ex1_add.c
for i in $(seq 1 100); do grep -q "01.1 add is done" watch.out && break; sleep 0.05; done
end=$(date +%s.%N)
grep -q "01.1 add is done" watch.out || fail "watch did not re-check on save: $(cat watch.out)"
secs=$(python3 -c "print(round($end - $start, 2))")
kill $wpid 2>/dev/null || true
echo "watch: re-checked $secs s after the save ($(grep -o 'checked in [0-9.]* s' watch.out | tail -1))"
ok "watch re-checks on save and moves on"

echo "$pass passed, 0 failed"
