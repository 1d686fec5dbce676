#!/usr/bin/env bash
# setup.sh — Gradescope runs this once when it builds the autograder's image: install
# the Debian packages the grader needs and build cio-grade and the runtime, so that
# every submission is graded without compiling the grader again.
set -euo pipefail
SOURCE="${AUTOGRADER_ROOT:-/autograder}/source"
cd "$SOURCE"
PACKAGES="build-essential libev-dev libcmocka-dev libjansson-dev libseccomp-dev pkg-config python3"
if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $PACKAGES
else
    scripts/ensure-packages $PACKAGES   # not root (a local trial): only checks they are there
fi
make -j2 build/libcio.a build/cio-grade
chmod +x "$SOURCE/run_autograder"
echo "setup.sh: cio-grade built in $SOURCE/build"
