#!/usr/bin/env python3
# threads_vs_tasks.py — the same experiment in Python: N threads against N asyncio tasks,
# each sleeping the same time, each contender in a child process of its own so that its
# peak memory (VmHWM) is its own; kernel stacks (which VmHWM does not count) are read too. Compare with threads_vs_tasks.c on the same machine.
#   python3 lessons/02-coroutines/experiments/threads_vs_tasks.py [N=10000] [seconds=1.0]
import asyncio, os, sys, threading, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0

def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1

def kernel_stacks_kib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("KernelStack:"):
                return int(line.split()[1])
    return -1

# Starting the threads takes longer than the sleep: a gate keeps every sleeper alive at
# once, as the tasks are (none runs before main awaits).
def run_threads():
    gate = threading.Event()
    def sleeper():
        gate.wait()
        time.sleep(SECONDS)
    t0 = time.monotonic()
    ts = [threading.Thread(target=sleeper) for _ in range(N)]
    for t in ts:
        t.start()
    started = time.monotonic() - t0
    kstack = kernel_stacks_kib()
    gate.set()
    for t in ts:
        t.join()
    return time.monotonic() - t0, started, kstack

def run_tasks():
    async def main():
        t0 = time.monotonic()
        ts = [asyncio.create_task(asyncio.sleep(SECONDS)) for _ in range(N)]
        started = time.monotonic() - t0
        kstack = kernel_stacks_kib()
        await asyncio.gather(*ts)
        return time.monotonic() - t0, started, kstack
    return asyncio.run(main())

def run_nothing():
    return 0.0, 0.0, kernel_stacks_kib()

def measure(fn):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        wall, started, kstack = fn()
        os.write(w, f"{wall} {started} {status_kib('VmHWM')} {status_kib('VmPeak')} {kstack}".encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 200).decode().split()
    os.close(r)
    os.waitpid(pid, 0)
    return float(data[0]), float(data[1]), int(data[2]), int(data[3]), int(data[4])

base, th, tk = measure(run_nothing), measure(run_threads), measure(run_tasks)
print(f"{N} sleepers, each sleeping {SECONDS:.2f} s, Python {sys.version.split()[0]}\n")
print(f"{'':28} {'threads':>14} {'asyncio tasks':>14}")
print(f"{'wall time':28} {th[0]:13.3f}s {tk[0]:13.3f}s")
print(f"{'  of which starting them':28} {th[1]:13.3f}s {tk[1]:13.3f}s")
print(f"{'peak resident (VmHWM)':28} {th[2] / 1024:10.1f} MiB {tk[2] / 1024:10.1f} MiB")
print(f"{'  per sleeper, over baseline':28} {(th[2] - base[2]) / N:10.2f} KiB {(tk[2] - base[2]) / N:10.2f} KiB")
print(f"{'peak virtual (VmPeak)':28} {th[3] / 1024:10.1f} MiB {tk[3] / 1024:10.1f} MiB")
print(f"{'kernel stacks (added)':28} {(th[4] - base[4]) / 1024:10.1f} MiB {(tk[4] - base[4]) / 1024:10.1f} MiB")
print(f"\nbaseline interpreter (starts nothing): {base[2] / 1024:.1f} MiB resident")
