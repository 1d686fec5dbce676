# no_gil.py — lesson 05's experiment, the Python side: the same prime count in pure
# Python, split over threads with asyncio.to_thread() and over processes with
# run_in_executor(ProcessPoolExecutor). On a CPython with the GIL the threads take
# turns on one core; the processes do not.   python3 lessons/05-executors/experiments/no_gil.py
import asyncio, concurrent.futures, time

RANGE = 300_000

def count(first, step):
    return sum(1 for n in range(first, RANGE, step) if n >= 2 and all(n % d for d in range(2, int(n ** 0.5) + 1)))

async def split(parts, run):  # part i tests i, i + parts, i + 2*parts, ...: the same mix of costs
    return sum(await asyncio.gather(*(run(i, parts) for i in range(parts))))

async def main():
    loop = asyncio.get_running_loop()
    t = time.perf_counter(); n = count(0, 1); one = time.perf_counter() - t
    print(f"1 thread:            {n} primes in {one:.2f} s")
    t = time.perf_counter(); n = await split(2, lambda first, step: asyncio.to_thread(count, first, step))
    print(f"2 threads (to_thread): {n} primes in {time.perf_counter() - t:.2f} s")
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        t = time.perf_counter(); n = await split(2, lambda first, step: loop.run_in_executor(pool, count, first, step))
        print(f"2 processes:          {n} primes in {time.perf_counter() - t:.2f} s")

asyncio.run(main())
