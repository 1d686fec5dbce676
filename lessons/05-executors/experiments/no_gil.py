# no_gil.py — lesson 05's experiment, the Python side: the same prime count in pure
# Python, split over threads with asyncio.to_thread() and over processes with
# run_in_executor(ProcessPoolExecutor). On a CPython with the GIL the threads take
# turns on one core; the processes do not.   python3 lessons/05-executors/experiments/no_gil.py
import asyncio, concurrent.futures, resource, time

def cores_busy(wall, cpu0):  # CPU time of this process (and its children) over wall time
    ru, ch = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (ru.ru_utime + ru.ru_stime + ch.ru_utime + ch.ru_stime - cpu0) / wall

def cpu_now():
    ru, ch = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime + ch.ru_utime + ch.ru_stime

RANGE = 300_000

def count(first, step):
    return sum(1 for n in range(first, RANGE, step) if n >= 2 and all(n % d for d in range(2, int(n ** 0.5) + 1)))

async def split(parts, run):  # part i tests i, i + parts, i + 2*parts, ...: the same mix of costs
    return sum(await asyncio.gather(*(run(i, parts) for i in range(parts))))

async def main():
    loop = asyncio.get_running_loop()
    t, c = time.perf_counter(), cpu_now(); n = count(0, 1); w = time.perf_counter() - t
    print(f"1 thread:              {n} primes in {w:.2f} s, {cores_busy(w, c):.2f} cores busy")
    t, c = time.perf_counter(), cpu_now()
    n = await split(2, lambda first, step: asyncio.to_thread(count, first, step)); w = time.perf_counter() - t
    print(f"2 threads (to_thread): {n} primes in {w:.2f} s, {cores_busy(w, c):.2f} cores busy")
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        t, c = time.perf_counter(), cpu_now()
        n = await split(2, lambda first, step: loop.run_in_executor(pool, count, first, step))
        w = time.perf_counter() - t
    print(f"2 processes:           {n} primes in {w:.2f} s, {cores_busy(w, c):.2f} cores busy")

asyncio.run(main())
