#!/usr/bin/env python3
"""contenders.py — every Python asyncio contender of `make bench`, one subcommand each.

The same work as the C contenders, written the way asyncio's documentation shows it
(create_task + gather, sleep(0), run_in_executor, streams). Each prints one JSON line,
like the C ones; servers print their port first and serve until stdin closes.
Run with the machine's python3 and the standard library only.
"""
import asyncio
import concurrent.futures
import json
import os
import resource
import sys
import time


def emit(**fields):
    print(json.dumps(fields), flush=True)


def peak_rss_kib():
    """VmHWM of this process, like bench.h's bench_peak_rss_kib()."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# ---- scenario 1: spawn + await --------------------------------------------------------

async def empty():
    pass


async def spawn(n, serial):
    t0 = time.perf_counter_ns()
    if serial:
        for _ in range(n):
            await asyncio.create_task(empty())
    else:
        await asyncio.gather(*[asyncio.create_task(empty()) for _ in range(n)])
    return (time.perf_counter_ns() - t0) / n


def cmd_spawn(n, shape="gather"):
    n = int(float(n))
    rss0 = peak_rss_kib()
    ns = asyncio.run(spawn(n, shape == "serial"))
    emit(scenario="spawn_serial" if shape == "serial" else "spawn", contender="asyncio",
         shape="create_task, await; N times" if shape == "serial" else "create_task N, gather N",
         n=n, ns_per_task=ns, peak_rss_delta_kib=peak_rss_kib() - rss0, status=0)


# ---- scenario 2: context switch -------------------------------------------------------

async def pinger(rounds):
    for _ in range(rounds):
        await asyncio.sleep(0)


async def switch(rounds):
    a, b = asyncio.create_task(pinger(rounds)), asyncio.create_task(pinger(rounds))
    t0 = time.perf_counter_ns()
    await asyncio.gather(a, b)
    return (time.perf_counter_ns() - t0) / (2 * rounds)


def cmd_switch(rounds):
    rounds = int(float(rounds))
    emit(scenario="switch", contender="asyncio", shape="asyncio.sleep(0) ping-pong",
         n=2 * rounds, ns_per_switch=asyncio.run(switch(rounds)), status=0)


# ---- scenario 3: N sleepers -----------------------------------------------------------

async def sleepers(n):
    rss0 = peak_rss_kib()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(asyncio.sleep(1.0)) for _ in range(n)]
    spawn_s = time.perf_counter() - t0
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0, spawn_s, rss0, peak_rss_kib()


def cmd_sleep(n):
    n = int(float(n))
    wall, spawn_s, rss0, rss1 = asyncio.run(sleepers(n))
    emit(scenario="sleep", contender="asyncio", n=n, wall_s=wall, overhead_s=wall - 1.0,
         spawn_s=spawn_s, rss_kib_per_task=(rss1 - rss0) / n, rss_base_kib=rss0,
         rss_peak_kib=rss1, status=0)


# ---- scenario 4: executor -------------------------------------------------------------

def noop():
    return 0


def cpu_chunk(iters):
    """The C contender's xorshift64, masked to 64 bits: the same work, far slower."""
    x, s, m = 88172645463325252, 0, (1 << 64) - 1
    for _ in range(iters):
        x ^= (x << 13) & m
        x ^= x >> 7
        x ^= (x << 17) & m
        s = (s + x) & m
    return s


async def roundtrip(m):
    loop = asyncio.get_running_loop()
    for _ in range(100):
        await loop.run_in_executor(None, noop)
    lat = []
    for _ in range(m):
        t0 = time.perf_counter_ns()
        await loop.run_in_executor(None, noop)
        lat.append(time.perf_counter_ns() - t0)
    return sorted(lat)


def cmd_executor_rt(m):
    m = int(float(m))
    lat = asyncio.run(roundtrip(m))
    q = lambda p: lat[min(len(lat) - 1, int(p * (len(lat) - 1) + 0.5))] / 1e3
    emit(scenario="executor_rt", contender="asyncio", n=m, median_us=q(0.5), p99_us=q(0.99),
         max_us=lat[-1] / 1e3, status=0)


async def split(pool, iters, chunks):
    loop = asyncio.get_running_loop()
    state = {"done": False, "worst": 0, "beats": 0}

    async def heartbeat():
        while not state["done"]:
            t0 = time.perf_counter_ns()
            await asyncio.sleep(0.001)
            late = max(0, time.perf_counter_ns() - t0 - 1_000_000)
            state["worst"] = max(state["worst"], late)
            state["beats"] += 1

    hb = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.005)
    # Start the workers before timing, as cio's pool is started by cio_run.
    await asyncio.gather(*[loop.run_in_executor(pool, noop) for _ in range(pool._max_workers)])
    t0 = time.perf_counter()
    await asyncio.gather(*[loop.run_in_executor(pool, cpu_chunk, iters // chunks)
                           for _ in range(chunks)])
    elapsed = time.perf_counter() - t0
    state["done"] = True
    await hb
    return elapsed, state["worst"] / 1e6, state["beats"]


def cmd_executor_split(kind, workers, iters, chunks):
    workers, iters, chunks = int(workers) or os.cpu_count(), int(float(iters)), int(chunks)
    Pool = (concurrent.futures.ProcessPoolExecutor if kind == "processes"
            else concurrent.futures.ThreadPoolExecutor)
    with Pool(max_workers=workers) as pool:
        elapsed, worst_ms, beats = asyncio.run(split(pool, iters, chunks))
    emit(scenario="executor_split", contender="asyncio-" + kind,
         mode="run_in_executor(%sPoolExecutor)" % ("Process" if kind == "processes" else "Thread"),
         threads=workers, iters=iters, chunks=chunks, elapsed_s=elapsed,
         worst_loop_delay_ms=worst_ms, heartbeats=beats, status=0)


# ---- scenarios 5 and 6: servers -------------------------------------------------------

HELLO = (b"HTTP/1.1 200 OK\r\nServer: asyncio\r\nContent-Type: text/plain\r\n"
         b"Content-Length: 14\r\n\r\nHello, world!\n")


async def echo_conn(reader, writer):
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def http_conn(reader, writer):
    """Keep-alive hello-world: one response per request head; the body is never read."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            writer.write(HELLO)
            if b"\r\nconnection: close" in head.lower():
                break
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(handler, name):
    server = await asyncio.start_server(handler, "127.0.0.1", 0, backlog=4096)
    emit(server=name, port=server.sockets[0].getsockname()[1])
    loop = asyncio.get_running_loop()
    stdin_closed = loop.create_future()

    def on_stdin():
        if not os.read(0, 64):
            loop.remove_reader(0)
            stdin_closed.set_result(None)

    loop.add_reader(0, on_stdin)
    await stdin_closed
    server.close()
    emit(server=name, impl="bench/contenders.py", peak_rss_kib=peak_rss_kib())


def cmd_echo_server():
    asyncio.run(serve(echo_conn, "asyncio"))


def cmd_http_server():
    asyncio.run(serve(http_conn, "asyncio"))


COMMANDS = {
    "spawn": cmd_spawn, "switch": cmd_switch, "sleep": cmd_sleep,
    "executor-rt": cmd_executor_rt, "executor-split": cmd_executor_split,
    "echo-server": cmd_echo_server, "http-server": cmd_http_server,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: contenders.py {%s} ARGS..." % ",".join(COMMANDS))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
