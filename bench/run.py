#!/usr/bin/env python3
"""run.py — the driver of `make bench` and `make bench-quick`.

Runs every contender of every scenario as its own process (one JSON line back from each),
repeats each measurement, takes medians, computes the ratio of cio to each peer, prints
the table, and writes build/bench/results.json and the gnuplot SVG charts.
Standard library only; the contenders are in bench/*.c and bench/contenders.py.
"""
import argparse
import contextlib
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = [sys.executable, os.path.join(HERE, "contenders.py")]
NCPU = os.cpu_count() or 1
SERVER_CPU, CLIENT_CPU = {0}, ({1} if NCPU > 1 else {0})  # one core each, same for all
# The contenders' environment, without cio's overrides: CIO_VIRTUAL_CLOCK=1 would measure
# virtual time and CIO_THREADS would change the executor pool under the measurement.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CIO_")}

# What each mode measures. Budgets bound the repetitions of one measurement (at least one
# run, at most `reps`) and skip a larger N whose one run is predicted to exceed `skip_s`,
# so that `make bench` stays within 10 minutes and `make bench-quick` within one.
MODES = {
    "full": dict(reps=5, budget_s=15, skip_s=30, total_s=420, ns=[10_000, 100_000, 1_000_000],
                 floor_pages=20_000, serial_n=100_000, thread_serial_n=2_000, switch_m=2_000_000,
                 thread_switch_m=20_000, py_switch_m=50_000, floor_switch_m=10_000_000, rt_m=20_000,
                 py_rt_m=5_000, iters=400_000_000, py_iters=2_000_000, chunks=8, split_reps=3,
                 server_reps=5, echo_s=1.5, echo_warm=0.3, conns=[100, 1000], wrk_s=2, wrk_warm=True,
                 sleep_reps=5, sleep_must=("cio", "threads")),
    "quick": dict(reps=3, budget_s=1.5, skip_s=2.5, total_s=40, ns=[1_000, 10_000, 100_000],
                  floor_pages=4_000, serial_n=20_000, thread_serial_n=500, switch_m=500_000,
                  thread_switch_m=5_000, py_switch_m=10_000, floor_switch_m=2_000_000, rt_m=5_000,
                  py_rt_m=1_000, iters=50_000_000, py_iters=250_000, chunks=8, split_reps=1,
                  server_reps=1, echo_s=0.5, echo_warm=0.2, conns=[100, 1000], wrk_s=1, wrk_warm=False,
                  sleep_reps=1, sleep_must=()),
}
T_START = time.monotonic()


def over_budget(cfg):
    """True once the whole run has used its time: what is left runs once or not at all."""
    return time.monotonic() - T_START > cfg["total_s"]


# ---- running contenders -------------------------------------------------------------

def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, timeout=180, cpus=None):
    """Run one contender; return its last JSON line (plus wall time), or a failure record."""
    t0 = time.monotonic()
    pre = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=pre, env=ENV)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "error": "no result within %d s" % timeout,
                "run_s": time.monotonic() - t0}
    except OSError as e:
        return {"status": "missing", "error": str(e), "run_s": 0}
    rec = None
    for line in p.stdout.splitlines():
        with contextlib.suppress(ValueError):
            rec = json.loads(line)
    if rec is None:
        err = (p.stderr.strip().splitlines() or ["exit status %d" % p.returncode])[-1]
        rec = {"status": "failed", "error": err[:300]}
    rec["run_s"] = time.monotonic() - t0
    if p.returncode != 0 and rec.get("status") == 0:
        rec["status"] = "exit %d" % p.returncode
    return rec


def ok(rec):
    return rec.get("status") == 0


def repeat(cmd, cfg, reps=None, cpus=None):
    """Run cmd up to `reps` times within the mode's budget; return every record."""
    reps = reps or cfg["reps"]
    out, spent = [], 0.0
    for _ in range(reps):
        rec = run_json(cmd, cpus=cpus)
        out.append(rec)
        spent += rec["run_s"]
        if not ok(rec) or spent > cfg["budget_s"] or over_budget(cfg):
            break
    return out


def median(recs, key):
    vals = [r[key] for r in recs if ok(r) and isinstance(r.get(key), (int, float))]
    return statistics.median(vals) if vals else None


def cell(recs, key, **extra):
    """Summary of repeated runs: the median of `key`, every value, and the raw records."""
    good = [r for r in recs if ok(r)]
    c = {"median": median(recs, key), "values": [r[key] for r in good if key in r],
         "reps": len(good), "runs": recs}
    if not good and recs:
        c["error"] = recs[-1].get("error") or str(recs[-1].get("status"))
    c.update(extra)
    return c


# ---- scenarios ----------------------------------------------------------------------

def series(cfg, name, cmds, key, fixed_s=0.05, must=(), reps=None):
    """Scenarios 1 and 3: each contender over growing N, as far as it can go.

    A run's time is fixed_s plus a part that grows with N; a larger N whose one run is
    predicted to exceed the mode's skip_s is skipped, unless the contender is in `must`.
    """
    rows = {}
    for who, make_cmd in cmds.items():
        rows[who] = row = {}
        last = None  # (n, seconds of one run) of the last N that ran
        for n in cfg["ns"]:
            if last is None and row:  # it failed or was stopped at a smaller N
                row[str(n)] = {"median": None, "skipped": "stopped at a smaller N", "reps": 0}
                continue
            est = fixed_s + max(0.0, last[1] - fixed_s) * n / last[0] if last else 0
            if who not in must and (est > cfg["skip_s"] or over_budget(cfg)):
                row[str(n)] = {"median": None, "reps": 0, "skipped": "time: one run would take ~%.0f s"
                               % est if est > cfg["skip_s"] else "time: the run's budget is spent"}
                continue
            log("  %s %s N=%d" % (name, who, n))
            recs = repeat(make_cmd(n), cfg, reps=reps)
            row[str(n)] = c = cell(recs, key)
            rec = recs[-1]
            if rec.get("stopped_by") not in (None, "none"):  # threads: the kernel said no
                c["stopped"] = "stopped at %d threads by %s (%s)" % (
                    rec["created"], rec["stopped_by"], rec.get("error"))
            last = None if c["median"] is None else (n, statistics.median(r["run_s"] for r in recs if ok(r)))
    return rows


def scenario_floor(cfg, B):
    log("floors")
    recs = repeat([B("floor_machine"), str(cfg["floor_pages"])], cfg, reps=3)
    return {k: cell(recs, k) for k in ("syscall_ns", "fresh_page_ns", "warm_page_ns")}


def scenario_spawn(cfg, B):
    cmds = {
        "cio": lambda n: [B("spawn_cio"), str(n)],
        "threads": lambda n: [B("spawn_pthread"), str(n)],
        "asyncio": lambda n: PY + ["spawn", str(n)],
        "libev": lambda n: [B("spawn_libev"), str(n)],
    }
    # cio survives a million tasks; it runs there even when slow, to show what it costs.
    out = {"gather": series(cfg, "spawn", cmds, "ns_per_task", must=("cio",) if cfg is MODES["full"] else ())}
    serial = {"cio": [B("spawn_cio"), str(cfg["serial_n"]), "serial"],
              "asyncio": PY + ["spawn", str(cfg["serial_n"]), "serial"],
              "threads": [B("spawn_pthread"), str(cfg["thread_serial_n"]), "serial"]}
    out["serial"] = {}
    for who, cmd in serial.items():
        log("  spawn serial %s" % who)
        out["serial"][who] = cell(repeat(cmd, cfg), "ns_per_task", n=int(cmd[-2]))
    return out


def scenario_switch(cfg, B):
    out = {}
    cmds = {"cio": [B("switch_cio"), str(cfg["switch_m"])],
            "floor": [B("switch_floor"), str(cfg["floor_switch_m"])],
            "asyncio": PY + ["switch", str(cfg["py_switch_m"])]}
    for kind in ("cond", "pipe"):
        for pin in ("", "pin"):
            name = "threads-%s%s" % (kind, "-1cpu" if pin else "")
            cmds[name] = [B("switch_pthread"), str(cfg["thread_switch_m"]), kind] + ([pin] if pin else [])
    for who, cmd in cmds.items():
        log("  switch %s" % who)
        out[who] = cell(repeat(cmd, cfg), "ns_per_switch")
    out["floor"]["direct"] = median(out["floor"]["runs"], "ns_per_switch_direct")
    out["libev"] = {"median": None, "skipped": "libev has no tasks: a callback runs to its end "
                    "and cannot hand control to another and resume later", "reps": 0}
    return out


def scenario_sleep(cfg, B):
    cmds = {
        "cio": lambda n: [B("sleep_cio"), str(n)],
        "threads": lambda n: [B("sleep_pthread"), str(n)],
        "asyncio": lambda n: PY + ["sleep", str(n)],
        "libev": lambda n: [B("sleep_libev"), str(n)],
    }
    # cio must show a million sleepers; threads run until the kernel stops them (full mode).
    rows = series(cfg, "sleep", cmds, "overhead_s", fixed_s=1.05, must=cfg["sleep_must"],
                  reps=cfg["sleep_reps"])
    for who in rows:  # the memory per task comes from the same runs
        for c in rows[who].values():
            if c.get("runs"):
                c["rss_kib_per_task"] = median(c["runs"], "rss_kib_per_task")
                c["spawn_s"] = median(c["runs"], "spawn_s")
                last = c["runs"][-1]
                if "created" in last and last.get("stopped_by") not in (None, "none"):
                    c["rss_kib_per_task"] = last.get("rss_kib_per_task")
                    c["kernel_stack_kib_per_task"] = last.get("kernel_stack_kib_per_task")
                elif "kernel_stack_kib_per_task" in last:
                    c["kernel_stack_kib_per_task"] = median(c["runs"], "kernel_stack_kib_per_task")
                if "page_tables_kib_per_task" in last:
                    c["page_tables_kib_per_task"] = last["page_tables_kib_per_task"] if c.get("stopped") \
                        else median(c["runs"], "page_tables_kib_per_task")
    return rows


def scenario_executor(cfg, B):
    out = {"roundtrip": {}, "split": {}}
    log("  executor round trip")
    out["roundtrip"]["cio"] = cell(repeat([B("executor_cio"), "roundtrip", str(cfg["rt_m"])], cfg),
                                   "median_us")
    out["roundtrip"]["asyncio"] = cell(repeat(PY + ["executor-rt", str(cfg["py_rt_m"])], cfg),
                                       "median_us")
    for c in out["roundtrip"].values():
        c["p99_us"] = median(c["runs"], "p99_us")
    variants = {
        "cio": lambda t: [B("executor_cio"), "split", str(t), str(cfg["iters"]), str(cfg["chunks"])],
        "asyncio-threads": lambda t: PY + ["executor-split", "threads", str(t), str(cfg["py_iters"]),
                                           str(cfg["chunks"])],
        "asyncio-processes": lambda t: PY + ["executor-split", "processes", str(t),
                                             str(cfg["py_iters"]), str(cfg["chunks"])],
    }
    for who, make in variants.items():
        log("  executor split %s" % who)
        one = cell(repeat(make(1), cfg, reps=cfg["split_reps"]), "elapsed_s")
        alln = cell(repeat(make(NCPU), cfg, reps=cfg["split_reps"]), "elapsed_s")
        for c in (one, alln):
            c["worst_loop_delay_ms"] = max((r.get("worst_loop_delay_ms", 0) for r in c["runs"]
                                            if ok(r)), default=None)
        speedup = one["median"] / alln["median"] if one["median"] and alln["median"] else None
        out["split"][who] = {"1": one, str(NCPU): alln, "speedup": speedup}
    log("  executor inline (the loop blocked)")
    inl = cell(repeat([B("executor_cio"), "inline", "0", str(cfg["iters"]), str(cfg["chunks"])],
                      cfg, reps=1), "elapsed_s")
    inl["worst_loop_delay_ms"] = median(inl["runs"], "worst_loop_delay_ms")
    out["inline"] = inl
    return out


# ---- servers --------------------------------------------------------------------------

def proc_cpu_s(pid):
    """CPU seconds of process pid and all its threads."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_hwm_kib(pid):
    with contextlib.suppress(OSError), open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def server(cmd, scratch):
    """Start a server announcing {"port": N}; yield (port, pid); stop it by closing stdin."""
    err = open(os.path.join(scratch, "server-stderr.log"), "a")
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
                         env=ENV, preexec_fn=lambda: os.sched_setaffinity(0, SERVER_CPU))
    info = {"pid": p.pid}
    try:
        ready, _, _ = select.select([p.stdout], [], [], 10)
        line = p.stdout.readline() if ready else ""
        port = json.loads(line)["port"] if line.startswith("{") else None
        if not port or not wait_port(port, p):
            raise RuntimeError("server %s did not start" % cmd[0])
        info["port"] = port
        yield info
    finally:
        info["peak_rss_kib"] = proc_hwm_kib(p.pid)
        with contextlib.suppress(OSError):
            p.stdin.close()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        for line in p.stdout:
            with contextlib.suppress(ValueError):
                info.update({k: v for k, v in json.loads(line).items() if k == "impl"})
        err.close()


@contextlib.contextmanager
def nginx_server(scratch):
    """nginx with one worker, its config and every file it writes in a temporary directory."""
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not exe:
        raise RuntimeError("nginx is not installed (make bench-deps)")
    d = tempfile.mkdtemp(prefix="nginx-", dir=scratch)
    port = free_port()
    with open(os.path.join(HERE, "nginx.conf.in")) as f:
        conf = f.read().replace("@DIR@", d).replace("@PORT@", str(port))
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen([exe, "-p", d, "-c", os.path.join(d, "nginx.conf"), "-e",
                          os.path.join(d, "error.log")], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         preexec_fn=lambda: os.sched_setaffinity(0, SERVER_CPU))
    info = {"pid": p.pid, "port": port, "impl": exe}
    try:
        if not wait_port(port, p):
            raise RuntimeError("nginx did not start: see %s/error.log" % d)
        yield info
    finally:
        info["peak_rss_kib"] = proc_hwm_kib(p.pid)
        p.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def interleaved(cfg, starts, rounds, measure):
    """Start every server, then run each round's load against each server in turn.

    A burst of other work on a shared machine then hits every contender alike, instead of
    all the repetitions of one. rounds: labels (e.g. connection counts), each run
    `server_reps` times. Returns {label: {who: [records]}}, the servers' info, and errors.
    """
    recs = {r: {who: [] for who in starts} for r in rounds}
    infos, errors = {}, {}
    with contextlib.ExitStack() as stack:
        for who, start in starts.items():
            try:
                infos[who] = stack.enter_context(start())
            except (RuntimeError, OSError) as e:
                errors[who] = str(e)
        for r in rounds:
            for rep in range(cfg["server_reps"]):
                for who, info in infos.items():
                    log("  %s, %s, run %d" % (who, r, rep + 1))
                    recs[r][who].append(measure(r, who, info))
    return recs, infos, errors


def server_cell(recs, info, **extra):
    return cell(recs, "rps", server_cpu=median(recs, "server_cpu"),
                server_us_per_req=median(recs, "server_us_per_req"), p99_us=median(recs, "p99_us"),
                peak_rss_kib=info.get("peak_rss_kib"), impl=info.get("impl"), **extra)


def scenario_echo(cfg, B, scratch):
    starts = {"cio": lambda: server([B("echo_cio")], scratch), "libev": lambda: server([B("echo_libev")], scratch),
              "threads": lambda: server([B("echo_threads")], scratch),
              "asyncio": lambda: server(PY + ["echo-server"], scratch)}

    def measure(conns, who, info):
        r = run_json([B("echo_client"), str(info["port"]), str(conns), str(cfg["echo_s"]),
                      str(cfg["echo_warm"]), str(info["pid"])], timeout=60, cpus=CLIENT_CPU)
        r["status"] = 0 if r.get("rps") and r.get("connected") == conns else r.get("status", "failed")
        if r.get("rps") and r.get("server_cpu", -1) >= 0:
            r["server_us_per_req"] = r["server_cpu"] / r["rps"] * 1e6
        return r

    recs, infos, errors = interleaved(cfg, starts, cfg["conns"], measure)
    out = {}
    for conns in cfg["conns"]:
        out[str(conns)] = {who: server_cell(recs[conns][who], infos[who], client_cpu=median(
            recs[conns][who], "client_cpu")) if who in infos else {"median": None, "error": errors[who], "reps": 0}
            for who in starts}
    return out


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LAT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def run_wrk(port, pid, secs, conns=100):
    wrk = shutil.which("wrk")
    if not wrk:
        return {"status": "missing", "error": "wrk is not installed (make bench-deps)", "run_s": 0}
    cpu0 = proc_cpu_s(pid)
    t0 = time.monotonic()
    p = subprocess.run([wrk, "-t2", "-c%d" % conns, "-d%ds" % secs, "--latency",
                        "http://127.0.0.1:%d/" % port], capture_output=True, text=True,
                       timeout=secs + 30, preexec_fn=lambda: os.sched_setaffinity(0, CLIENT_CPU))
    elapsed = time.monotonic() - t0
    m = WRK_RPS.search(p.stdout)
    rec = {"run_s": elapsed, "server_cpu": (proc_cpu_s(pid) - cpu0) / elapsed,
           "status": 0 if m and "Non-2xx" not in p.stdout else "failed", "raw": p.stdout[-800:]}
    if m:
        rec["rps"] = float(m.group(1))
        rec["server_us_per_req"] = rec["server_cpu"] / rec["rps"] * 1e6
    for pct, val, unit in WRK_LAT.findall(p.stdout):
        rec["p%s_us" % pct] = float(val) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
    errs = re.search(r"Socket errors: (.*)", p.stdout)
    if errs:
        rec["socket_errors"] = errs.group(1)
    return rec


def scenario_http(cfg, B, scratch):
    starts = {"cio": lambda: server([B("http_cio")], scratch), "nginx": lambda: nginx_server(scratch),
              "asyncio": lambda: server(PY + ["http-server"], scratch)}
    warmed = set()

    def measure(_, who, info):
        if cfg["wrk_warm"] and who not in warmed:  # first contact: caches, lazy allocations
            run_wrk(info["port"], info["pid"], 1)
            warmed.add(who)
        return run_wrk(info["port"], info["pid"], cfg["wrk_s"])

    recs, infos, errors = interleaved(cfg, starts, [100], measure)
    return {who: server_cell(recs[100][who], infos[who]) if who in infos
            else {"median": None, "error": errors[who], "reps": 0} for who in starts}


# ---- the machine ---------------------------------------------------------------------

def first_line(cmd):
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return ((p.stdout or p.stderr).strip().splitlines() or [""])[0]
    return None


def machine():
    cpu, flags = None, ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = line
    virt = first_line(["systemd-detect-virt"]) if shutil.which("systemd-detect-virt") else None
    sysctl = {}
    for name, path in (("vm.max_map_count", "vm/max_map_count"), ("kernel.pid_max", "kernel/pid_max"),
                       ("kernel.threads-max", "kernel/threads-max")):
        with contextlib.suppress(OSError), open("/proc/sys/" + path) as f:
            sysctl[name] = int(f.read())
    mem = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    return {"cpu": cpu, "cores": NCPU, "memory_mib": mem, "kernel": platform.release(),
            "virtual_machine": " hypervisor" in flags, "virtualization": virt,
            "compiler": first_line([os.environ.get("CC", "cc"), "--version"]),
            "python": platform.python_version(),
            "libev": first_line(["dpkg-query", "-W", "-f=${Version}", "libev-dev"]),
            "nginx": first_line([shutil.which("nginx") or "/usr/sbin/nginx", "-v"]),
            "wrk": first_line(["wrk", "--version"]), "sysctl": sysctl,
            "load_at_start": os.getloadavg()}


# ---- the table ------------------------------------------------------------------------

def fmt_time(ns):
    if ns is None:
        return "-"
    if ns < 100:
        return "%.1f ns" % ns
    if ns < 1e3:
        return "%.0f ns" % ns
    if ns < 1e6:
        return "%.1f µs" % (ns / 1e3)
    if ns < 1e9:
        return "%.1f ms" % (ns / 1e6)
    return "%.2f s" % (ns / 1e9)


def fmt_n(n):
    n = int(n)
    return "%dM" % (n // 10**6) if n % 10**6 == 0 else "%dk" % (n // 1000) if n % 1000 == 0 else str(n)


def times(peer, cio):
    """How many times longer the peer takes than cio."""
    if not peer or not cio:
        return None
    r = peer / cio
    return ("%.0f×" if r >= 10 else "%.1f×" if r >= 1 else "%.2f×") % r


def why_missing(c):
    return c.get("stopped") or c.get("skipped") or c.get("error") or "-"


def print_series(title, rows, value, ns, legend):
    print("\n== %s ==\n   %s" % (title, legend))
    print("   %-10s" % "" + "".join("%-34s" % ("N=" + fmt_n(n)) for n in ns))
    for who, row in rows.items():
        cells = []
        for n in ns:
            c = row.get(str(n), {})
            v = value(c, rows.get("cio", {}).get(str(n), {}))
            cells.append(v if v else why_missing(c).replace("time: one run would take", "time: a run takes"))
        print("   %-10s" % who + "".join("%-34s" % x for x in cells[:-1]) + cells[-1])


def print_table(res, cfg):
    m = res["machine"]
    print("\ncio bench (%s) — %s%s, %d cores, Linux %s, %s, Python %s" % (
        res["mode"], m["cpu"], " (virtual machine)" if m.get("virtual_machine") else "", m["cores"],
        m["kernel"], m["compiler"], m["python"]))
    print("load average at start %.2f, at end %.2f%s" % (
        m["load_at_start"][0], m["load_at_end"][0],
        "  (the machine was busy: numbers are noisy)" if max(m["load_at_start"][0], m["load_at_end"][0]) > 0.7 else ""))
    f = res["scenarios"].get("floor")
    if f:
        print("machine floors: system call %s, first touch of a fresh page %s, touch of a warm page %s"
              % (fmt_time(f["syscall_ns"]["median"]), fmt_time(f["fresh_page_ns"]["median"]),
                 fmt_time(f["warm_page_ns"]["median"])))
    ns = cfg["ns"]
    sp = res["scenarios"].get("spawn")
    if sp:
        def v(c, cio):
            if c.get("median") is None:
                return None
            t = times(c["median"], cio.get("median"))
            return fmt_time(c["median"]) + ("" if c is cio or not t else " (%s)" % t)
        print_series("1. spawn + await N empty tasks: time per task", sp["gather"], v, ns,
                     "median of up to %d runs; (k×): the peer takes k times as long as cio" % cfg["reps"])
        s = sp["serial"]
        print("   one at a time (spawn, await; N times): " + " · ".join(
            "%s %s%s (N=%s)" % (who, fmt_time(c["median"]),
                                "" if who == "cio" or not times(c["median"], s["cio"]["median"])
                                else " (%s)" % times(c["median"], s["cio"]["median"]), fmt_n(c["n"]))
            for who, c in s.items()))
    sw = res["scenarios"].get("switch")
    if sw:
        print("\n== 2. context switch: two tasks hand control back and forth: time per switch ==")
        for who, c in sw.items():
            t = times(c.get("median"), sw["cio"].get("median"))
            text = fmt_time(c["median"]) + ("" if who in ("cio", "floor") or not t else " (%s)" % t) \
                if c.get("median") else why_missing(c)
            if who == "floor" and c.get("median"):
                text = "%s through a scheduler context as cio does, %s switching directly " \
                       "(bare coroutines, no runtime)" % (fmt_time(c["median"]), fmt_time(c.get("direct")))
            print("   %-18s %s" % (who, text))
    sl = res["scenarios"].get("sleep")
    if sl:
        def v(c, cio):
            if c.get("median") is None and c.get("rss_kib_per_task") is None:
                return None
            if c.get("stopped"):
                m = re.search(r"at (\d+) threads by (\S+)", c["stopped"])
                return "stop at %s: %s" % ("{:,}".format(int(m.group(1))), m.group(2)) if m else c["stopped"]
            k = (c.get("kernel_stack_kib_per_task") or 0) + (c.get("page_tables_kib_per_task") or 0)
            return "+%s, %.2f KiB%s" % (fmt_time(c["median"] * 1e9), c["rss_kib_per_task"],
                                        " (+%.0f kernel)" % k if k else "")
        print_series("3. N tasks each sleep 1 s at once: wall time above 1 s, peak RSS per task",
                     sl, v, ns, "RSS: VmHWM above the process's baseline; threads also cost kernel stacks (not in RSS)")
    ex = res["scenarios"].get("executor")
    if ex:
        rt = ex["roundtrip"]
        print("\n== 4. executor ==")
        for who, c in rt.items():
            t = times(c.get("median"), rt["cio"].get("median"))
            print("   round trip of a no-op job, %-8s median %s, p99 %s%s" % (
                who + ":", fmt_time((c["median"] or 0) * 1e3), fmt_time((c["p99_us"] or 0) * 1e3),
                "" if who == "cio" or not t else " (%s)" % t))
        for who, s in ex["split"].items():
            one, alln = s["1"], s[str(NCPU)]
            print("   CPU job in %d chunks, %-18s 1 worker %s, %d workers %s: speed-up %s; loop's worst delay %s" % (
                cfg["chunks"], who + ":", fmt_time((one["median"] or 0) * 1e9), NCPU,
                fmt_time((alln["median"] or 0) * 1e9), "%.2f×" % s["speedup"] if s["speedup"] else "-",
                fmt_time((alln.get("worst_loop_delay_ms") or 0) * 1e6)))
        inl = ex["inline"]
        print("   the same chunks run on cio's loop instead: the loop's worst delay %s (every task waits)"
              % fmt_time((inl.get("worst_loop_delay_ms") or 0) * 1e6))
    for key, title in (("echo", "5. echo of 64-byte messages, C connections"), ("http", "6. HTTP hello-world, keep-alive, wrk")):
        sv = res["scenarios"].get(key)
        if not sv:
            continue
        print("\n== %s: requests per second ==\n   server pinned to CPU 0, load client to CPU 1; cpu: the "
              "server's busy share of its core and its CPU time per request;\n   %%: cio's rate as a share of "
              "the peer's" % title)
        groups = sv if key == "echo" else {"100": sv}
        print("   %-10s" % "" + "".join("%-44s" % ("C=" + c) for c in groups))
        for who in next(iter(groups.values())):
            cells = []
            for g in groups.values():
                c, cio = g[who], g.get("cio", {})
                if c.get("median") is None:
                    cells.append(why_missing(c)[:43])
                    continue
                pct = "" if who == "cio" or not cio.get("median") else ", cio %.0f%%" % (100 * cio["median"] / c["median"])
                cells.append("%.0f (cpu %.0f%% %.1f µs%s)" % (c["median"], 100 * (c.get("server_cpu") or 0),
                                                            c.get("server_us_per_req") or 0, pct))
            print("   %-10s" % who + "".join("%-44s" % x for x in cells))
    print("\n== targets ==")
    for t in res["targets"]:
        print("   %-52s goal %-7s %-6s measured %s" % (t["what"], t["goal"],
                                                     {True: "met", False: "MISSED", None: "-"}[t["met"]],
                                                     t["measured"]))


# ---- targets -------------------------------------------------------------------------

def targets(res, cfg):
    sc, out = res["scenarios"], []

    def add(what, goal, measured, met, value=None):
        out.append({"what": what, "goal": goal, "measured": measured, "met": met, "value": value})

    sw = sc.get("switch", {})
    cio_sw = sw.get("cio", {}).get("median")
    thr = [(c["median"], w) for w, c in sw.items() if w.startswith("threads") and c.get("median")]
    if cio_sw and thr:
        best, who = min(thr)
        add("switch: cio vs threads (fastest: %s)" % who, "≥100×", "%.0f×" % (best / cio_sw), best / cio_sw >= 100, best / cio_sw)
    sp = sc.get("spawn", {}).get("gather", {})
    ratios = [(sp["asyncio"][str(n)]["median"] / sp["cio"][str(n)]["median"], n) for n in cfg["ns"]
              if sp.get("cio", {}).get(str(n), {}).get("median") and sp.get("asyncio", {}).get(str(n), {}).get("median")]
    if ratios:
        r, n = min(ratios)
        add("spawn N, gather: cio vs asyncio (worst N=%s)" % fmt_n(n), "≥20×", "%.2f×" % r, r >= 20, r)
    ser = sc.get("spawn", {}).get("serial", {})
    a, b = ser.get("cio", {}).get("median"), ser.get("asyncio", {}).get("median")
    if a and b:
        add("spawn, await one at a time: cio vs asyncio", "≥20×", "%.0f×" % (b / a), b / a >= 20, b / a)
    for group, peer, goal, label in (("echo", "libev", 0.9, "echo: cio / raw libev"), ("http", "nginx", 0.7, "HTTP: cio / nginx (1 worker)")):
        g = sc.get(group)
        if not g:
            continue
        for conns, row in (g.items() if group == "echo" else [("100", g)]):
            a, b = row.get("cio", {}).get("median"), row.get(peer, {}).get("median")
            ca, cb = row.get("cio", {}).get("server_us_per_req"), row.get(peer, {}).get("server_us_per_req")
            if a and b:
                eff = " (CPU/req: %.0f%%)" % (100 * cb / ca) if ca and cb else ""
                # Below ~85% of its core a server was starved by other work, not saturated by
                # the load: its rate then says more about the machine than about the server.
                busy = min(row["cio"].get("server_cpu") or 0, row[peer].get("server_cpu") or 0)
                if busy < 0.85:
                    eff += " noisy: a server had %.0f%% of its core" % (100 * busy)
                add("%s, C=%s" % (label, conns), "≥%d%%" % (goal * 100), "%.0f%%%s" % (100 * a / b, eff),
                    a / b >= goal, a / b)
            else:
                add("%s, C=%s" % (label, conns), "≥%d%%" % (goal * 100), "-", None)
    sl = sc.get("sleep", {}).get("cio", {})
    for n in cfg["ns"][-2:]:
        c = sl.get(str(n), {})
        kib = c.get("rss_kib_per_task")
        add("RSS per sleeping cio task, N=%s" % fmt_n(n), "≤5 KiB", "%.2f KiB" % kib if kib else why_missing(c),
            kib <= 5 if kib else None, kib)
    if cio_sw:
        add("cio switch", "≤20 ns", fmt_time(cio_sw), cio_sw <= 20, cio_sw)
    ser = sc.get("spawn", {}).get("serial", {}).get("cio", {}).get("median")
    if ser:
        add("cio spawn+await, one at a time", "≤200 ns", fmt_time(ser), ser <= 200, ser)
    big = max((n for n in cfg["ns"] if sp.get("cio", {}).get(str(n), {}).get("median")), default=None)
    if big:
        v = sp["cio"][str(big)]["median"]
        add("cio spawn+await, N=%s then gather" % fmt_n(big), "≤200 ns", fmt_time(v), v <= 200, v)
    rt = sc.get("executor", {}).get("roundtrip", {}).get("cio", {}).get("median")
    if rt:
        add("cio executor round trip (median)", "≤20 µs", fmt_time(rt * 1e3), rt <= 20, rt)
    return out


# ---- charts --------------------------------------------------------------------------

COLORS = {"cio": "#d62728", "threads": "#1f77b4", "asyncio": "#2ca02c", "libev": "#7f7f7f",
          "nginx": "#9467bd", "floor": "#222222", "threads-cond": "#1f77b4", "threads-cond-1cpu": "#6baed6",
          "threads-pipe": "#08519c", "threads-pipe-1cpu": "#9ecae1"}
SVG = 'set terminal svg size 820,520 dynamic enhanced font "Helvetica,13" background rgb "white"\n'


def gnuplot(out, name, script):
    path = os.path.join(out, "gnuplot", name + ".gp")
    with open(path, "w") as f:
        f.write(SVG + 'set output "%s"\n' % os.path.join(out, name + ".svg") + script)
    p = subprocess.run(["gnuplot", path], capture_output=True, text=True)
    if p.returncode != 0:
        log("gnuplot %s: %s" % (name, p.stderr.strip()[-300:]))


def chart_vs_n(out, name, title, ylabel, rows, value, ns, extra="", yfmt="10^{%L}"):
    """One line per contender: value against N, both axes logarithmic."""
    plots = []
    for who, row in rows.items():
        dat = os.path.join(out, "gnuplot", "%s-%s.dat" % (name, re.sub(r"\W+", "_", who)))
        with open(dat, "w") as f:
            for n in ns:
                v = value(row.get(str(n), {}))
                if v is not None:
                    f.write("%d %g\n" % (n, v))
        if os.path.getsize(dat):
            plots.append('"%s" using 1:2 with linespoints lw 2 pt 7 ps 1 %s lc rgb "%s" title "%s"'
                         % (dat, "dt 2" if "+" in who else "", COLORS.get(who.split(" ")[0], "black"),
                            who + (" (floor)" if who == "libev" else "")))
    if not plots:
        return
    gnuplot(out, name, """set title "%s"
set xlabel "N (tasks at once)"
set ylabel "%s"
set logscale xy
set format x "10^{%%L}"
set format y "%s"
set xrange [%g:%g]
set grid
set key outside right top
%s
plot %s
""" % (title, ylabel, yfmt, ns[0] / 2, ns[-1] * 2, extra, ", \\\n     ".join(plots)))


def chart_bars(out, name, title, ylabel, groups, log_y=False):
    """Clustered bars: groups {group: {contender: value}}."""
    who = []
    for g in groups.values():
        who += [w for w in g if w not in who]
    dat = os.path.join(out, "gnuplot", name + ".dat")
    with open(dat, "w") as f:
        f.write("group " + " ".join('"%s"' % w for w in who) + "\n")
        for g, vals in groups.items():
            f.write('"%s" ' % g + " ".join("%g" % vals[w] if vals.get(w) else "-" for w in who) + "\n")
    cols = ", ".join('"%s" using %d:xtic(1) title "%s" lc rgb "%s"' % (dat if i == 0 else "", i + 2, w,
                                                                         COLORS.get(w, COLORS.get(w.split("-")[0], "#444444")))
                     for i, w in enumerate(who))
    gnuplot(out, name, """set title "%s"
set ylabel "%s"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set datafile missing "-"
set key outside right top autotitle columnhead
set grid ytics
set yrange [%s:*]
%s
plot %s
""" % (title, ylabel, "1" if log_y else "0", "set logscale y" if log_y else "", cols))


def chart_one_bar_each(out, name, title, ylabel, items, log_y=False):
    """One labelled bar per contender: items [(label, value, colour key)]."""
    items = [(l, v, c) for l, v, c in items if v]
    if not items:
        return
    dat = os.path.join(out, "gnuplot", name + ".dat")
    with open(dat, "w") as f:
        for label, v, key in items:
            colour = COLORS.get(key, COLORS.get(key.split("-")[0], "#444444"))
            f.write('"%s" %g %d "%s"\n' % (label, v, int(colour[1:], 16),
                                            fmt_time(v) if log_y else "{:,.0f}".format(v)))
    gnuplot(out, name, """set title "%s"
set ylabel "%s"
set style fill solid 0.85 border -1
set boxwidth 0.7
set grid ytics
set xtics rotate by -25 noenhanced
set key off
set xrange [-0.6:%g]
set yrange [%s:*]
%s
plot "%s" using 0:2:3:xtic(1) with boxes lc rgb variable, \\
     "" using 0:2:4 with labels offset 0,0.8 font ",11" noenhanced
""" % (title, ylabel, len(items) - 0.4, "1" if log_y else "0", "set logscale y" if log_y else "", dat))


def where_it_stops(row, ns, y):
    """A gnuplot label at the first N where threads stopped or were skipped, saying why."""
    for n in ns:
        c = row.get(str(n), {})
        m = re.search(r"at (\d+) threads by (\S+)", c.get("stopped", ""))
        t = re.search(r"~(\d+) s", c.get("skipped", ""))
        if m:
            text = "threads stop at %s:\\n%s" % ("{:,}".format(int(m.group(1))), m.group(2))
        elif t:
            text = "threads: ~%s s a run,\\nnot run" % t.group(1)
        else:
            continue
        return ('set label "%s" at first %d, first %g right offset -1,0 font ",11" noenhanced\n'
                % (text, n, y(c)))
    return ""


def charts(res, cfg, out):
    sc, ns = res["scenarios"], cfg["ns"]
    shutil.rmtree(os.path.join(out, "gnuplot"), ignore_errors=True)  # no stale lines from older runs
    os.makedirs(os.path.join(out, "gnuplot"))
    for name in ("spawn", "sleep_time", "sleep_memory", "switch", "echo", "http"):
        with contextlib.suppress(OSError):
            os.remove(os.path.join(out, name + ".svg"))
    if "spawn" in sc:
        threads = sc["spawn"]["gather"].get("threads", {})
        last = next((c["median"] for c in reversed(list(threads.values())) if c.get("median")), 1e5)
        chart_vs_n(out, "spawn", "Spawn + await N empty tasks", "time per task (ns)", sc["spawn"]["gather"],
                   lambda c: c.get("median"), ns,
                   'set arrow from graph 0, first 200 to graph 1, first 200 nohead dt 2 lc rgb "#d62728"\n'
                   'set label "cio goal: 200 ns" at graph 0.02, first 260 tc rgb "#d62728"\n'
                   + where_it_stops(threads, ns, lambda c: last))
    if "sleep" in sc:
        threads = sc["sleep"].get("threads", {})
        last = next((c["median"] for c in reversed(list(threads.values())) if c.get("median")), 1)
        chart_vs_n(out, "sleep_time", "N tasks each sleeping 1 s at once: time above 1 s",
                   "wall time above 1 s (s)", sc["sleep"], lambda c: c.get("median"), ns,
                   where_it_stops(threads, ns, lambda c: last * 5), yfmt="%g")  # above the lines
        labels = where_it_stops(sc["sleep"].get("threads", {}), ns, lambda c: c.get("rss_kib_per_task") or 10)
        rows = dict(sc["sleep"])
        if "threads" in rows:  # what RSS does not show: each thread's kernel stack and page tables
            rows["threads + kernel"] = {
                k: dict(c, total=(c.get("rss_kib_per_task") or 0) + (c.get("kernel_stack_kib_per_task") or 0)
                        + (c.get("page_tables_kib_per_task") or 0)) for k, c in rows["threads"].items()}
        chart_vs_n(out, "sleep_memory", "N tasks each sleeping 1 s at once: memory per task",
                   "peak memory per task (KiB)", rows,
                   lambda c: (c.get("total") or c.get("rss_kib_per_task")) if c.get("median") is not None else None, ns,
                   'set arrow from graph 0, first 5 to graph 1, first 5 nohead dt 2 lc rgb "#d62728"\n'
                   'set label "cio goal: 5 KiB" at graph 0.02, first 6 tc rgb "#d62728"\n' + labels, yfmt="%g")
    if "switch" in sc:
        sw = sc["switch"]
        items = [("cio", sw["cio"].get("median"), "cio"),
                 ("bare switch, via a scheduler", sw.get("floor", {}).get("median"), "floor"),
                 ("bare switch, direct", sw.get("floor", {}).get("direct"), "floor"),
                 ("asyncio sleep(0)", sw.get("asyncio", {}).get("median"), "asyncio")]
        items += [(w.replace("threads-", "threads: ").replace("-1cpu", ", one CPU"), c.get("median"), w)
                  for w, c in sw.items() if w.startswith("threads")]
        chart_one_bar_each(out, "switch", "Context switch: two tasks hand control back and forth",
                           "time per switch (ns, log scale)", items, log_y=True)
    if sc.get("echo"):
        chart_bars(out, "echo", "Echo of 64-byte messages, server on one core", "requests per second",
                   {"C=%s connections" % conns: {w: c.get("median") for w, c in row.items()}
                    for conns, row in sc["echo"].items()})
    if sc.get("http"):
        chart_one_bar_each(out, "http", "HTTP hello-world with keep-alive (wrk, 100 connections), server on one core",
                           "requests per second",
                           [(w + (", 1 worker" if w == "nginx" else ""), c.get("median"), w) for w, c in sc["http"].items()])


# ---- main ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller N, fewer repetitions (about a minute)")
    ap.add_argument("--bin", default="build/bench/bin", help="where the C contenders are built")
    ap.add_argument("--out", default="build/bench", help="where results.json and the charts go")
    ap.add_argument("--only", default="", help="comma-separated scenarios (floor,spawn,switch,sleep,executor,echo,http)")
    args = ap.parse_args()
    cfg = MODES["quick" if args.quick else "full"]
    os.makedirs(args.out, exist_ok=True)
    B = lambda name: os.path.join(args.bin, name)
    scratch = tempfile.mkdtemp(prefix="cio-bench-")
    res = {"mode": "quick" if args.quick else "full", "machine": machine(), "config": cfg,
           "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "scenarios": {}, "scenario_seconds": {}}
    global T_START
    t_all = T_START = time.monotonic()
    steps = [("floor", lambda: scenario_floor(cfg, B)), ("spawn", lambda: scenario_spawn(cfg, B)),
             ("switch", lambda: scenario_switch(cfg, B)), ("sleep", lambda: scenario_sleep(cfg, B)),
             ("executor", lambda: scenario_executor(cfg, B)), ("echo", lambda: scenario_echo(cfg, B, scratch)),
             ("http", lambda: scenario_http(cfg, B, scratch))]
    only = set(filter(None, args.only.split(",")))
    for name, fn in steps:
        if only and name not in only:
            continue
        log("%s (%.0f s so far)" % (name, time.monotonic() - t_all))
        t0 = time.monotonic()
        res["scenarios"][name] = fn()
        res["scenario_seconds"][name] = round(time.monotonic() - t0, 1)
    res["machine"]["load_at_end"] = os.getloadavg()
    res["duration_s"] = round(time.monotonic() - t_all, 1)
    res["targets"] = targets(res, cfg)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    print_table(res, cfg)
    if shutil.which("gnuplot"):
        charts(res, cfg, args.out)
    else:
        log("gnuplot is not installed (make bench-deps): no charts")
    shutil.rmtree(scratch, ignore_errors=True)
    print("\nresults: %s; charts: %s/*.svg; %.0f s in all" % (os.path.join(args.out, "results.json"),
                                                            args.out, res["duration_s"]))


if __name__ == "__main__":
    main()
