#!/bin/bash
# tests/arch/check.sh — builds switch_check.c with the context switch of each architecture
# and runs it: natively (assembly, then ucontext) and, when aarch64-linux-gnu-gcc and
# qemu-aarch64 are installed, for aarch64 under the emulator, where it has no other test.
# Prints one line per variant; a variant whose tools are missing is skipped, not failed.
#   usage: tests/arch/check.sh [BUILD_DIR]        check.sh --bench [BUILD_DIR]: time switches
set -u
cd "$(dirname "$0")/../.." || exit 2

bench=0
if [ "${1:-}" = --bench ]; then bench=1; shift; fi
out="${1:-build}/tests/arch"
mkdir -p "$out"

CC="${CC:-cc}"
CROSS_CC="${CROSS_CC:-aarch64-linux-gnu-gcc}"
QEMU="${QEMU_AARCH64:-qemu-aarch64}"
# -ffp-contract=off: the floating-point check compares a result computed with switches to
# one computed without, and a fused multiply-add in only one of them would differ.
FLAGS=(-std=gnu11 -Wall -Wextra -O2 -g -ffp-contract=off -Iruntime/include -Iruntime/src)
SRCS=(tests/arch/switch_check.c runtime/src/context.c)
native=$(uname -m)
failed=0

have() { command -v "$1" >/dev/null 2>&1; }

# variant NAME COMPILER ARCH EXTRA_FLAGS RUNNER: build, run, print one line.
variant() {
    local name=$1 cc=$2 arch=$3 extra=$4 runner=$5 bin="$out/switch_check-$1" log="$out/$1.log"
    local start=$SECONDS asm="runtime/src/switch_$arch.S"
    [ -f "$asm" ] || asm=          # an architecture with only the ucontext switch
    # shellcheck disable=SC2086  # cc, extra, asm and runner are word lists on purpose
    if ! $cc "${FLAGS[@]}" $extra "${SRCS[@]}" $asm -o "$bin" >"$log" 2>&1; then
        printf '%-22s FAIL (build)\n' "$name"
        sed 's/^/    /' "$log"
        failed=1
        return
    fi
    [ -s "$log" ] && sed 's/^/    /' "$log"   # warnings: the check must stay -Wall -Wextra clean
    if [ $bench = 1 ]; then
        $runner "$bin" --bench || failed=1
        return
    fi
    if $runner "$bin" >"$log" 2>&1; then
        printf '%-22s ok   (%s, %ds)\n' "$name" "$(grep -c '^ok' "$log") checks" $((SECONDS - start))
    else
        printf '%-22s FAIL\n' "$name"
        sed 's/^/    /' "$log"
        failed=1
    fi
}

skip() { printf '%-22s skipped (%s)\n' "$1" "$2"; }

if [ ! -f "runtime/src/switch_$native.S" ]; then
    skip "$native asm" "no assembly switch for $native"
else
    variant "$native-asm" "$CC" "$native" "" ""
fi
variant "$native-ucontext" "$CC" "$native" "-DCIO_UCONTEXT" ""

if [ $bench = 1 ]; then exit $failed; fi   # emulated timings mean nothing

# aarch64 has never run on this machine otherwise: static binaries under qemu-user.
if [ "$native" != aarch64 ]; then
    if ! have "$CROSS_CC" || ! have "$QEMU"; then
        why="needs $CROSS_CC and $QEMU: apt-get install gcc-aarch64-linux-gnu qemu-user"
        skip "aarch64-asm" "$why"
        skip "aarch64-ucontext" "$why"
    else
        variant "aarch64-asm" "$CROSS_CC -static" aarch64 "" "$QEMU"
        variant "aarch64-ucontext" "$CROSS_CC -static" aarch64 "-DCIO_UCONTEXT" "$QEMU"
    fi
fi
exit $failed
