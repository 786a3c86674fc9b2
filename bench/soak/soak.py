#!/usr/bin/env python3
"""Soak benchmark: the leaky and the fixed example server under the same load.

For each server: start it on loopback (port 0, it prints "LISTENING <port>"),
drive it with N concurrent clients that connect, send a few QUERY lines,
QUIT and reconnect, until the request budget or the time limit is reached;
meanwhile sample its STATS line (memory probe + component sizes) on a
connection of its own. Then print, per server, RSS and heap at start and end,
the growth slope per 10k requests after warm-up (least squares of the samples
against completed requests), open fds and threads at the end, and send
SIGTERM: the fixed server prints its shutdown report (every step, its outcome
and duration), which is shown with the time from SIGTERM to exit.

Output: a table on stdout and, with --json FILE (or "-"), the same as JSON.
--check exits 1 unless the direction holds: the leaky heap grows, the fixed
heap grows less than --max-ratio of the leaky growth, and the fixed shutdown
report is ok. Absolute times and sizes are never checked.

Python standard library only. Usage:
  soak.py --leaky build/bin/leaky-server --fixed build/bin/fixed-server
  soak.py --short --check ...      # the few-second form run by ctest
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time

QUERY_KINDS = (
    "SELECT * FROM orders WHERE id = {n}",
    "SELECT name, email FROM customers WHERE id = {n}",
    "SELECT SUM(total) FROM invoices WHERE customer_id = {n}",
)
HOT_SET = 50  # repeated queries: cache hits


class LoadState:
    def __init__(self, max_requests, deadline):
        self.max_requests = max_requests
        self.deadline = deadline
        self.issued = 0
        self.completed = 0
        self.connections = 0
        self.errors = 0

    def next_query(self):
        if self.issued >= self.max_requests or time.monotonic() >= self.deadline:
            return None
        n = self.issued
        self.issued += 1
        # 3 in 10 hit a small hot set (cache hits); the rest are new statements.
        key = n % HOT_SET if n % 10 < 3 else n
        return QUERY_KINDS[n % len(QUERY_KINDS)].format(n=key)


async def client(port, state, per_connection):
    while True:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            state.errors += 1
            await asyncio.sleep(0.01)
            continue
        state.connections += 1
        finished = False
        try:
            for _ in range(per_connection):
                query = state.next_query()
                if query is None:
                    finished = True
                    break
                writer.write(("QUERY " + query + "\n").encode())
                await writer.drain()
                reply = await reader.readline()
                if not reply.startswith(b"OK "):
                    state.errors += 1
                state.completed += 1
            writer.write(b"QUIT\n")
            await writer.drain()
            await reader.readline()
        except (OSError, asyncio.IncompleteReadError):
            state.errors += 1
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
        if finished:
            return


async def stats(reader, writer):
    writer.write(b"STATS\n")
    await writer.drain()
    return json.loads(await reader.readline())


def sample_of(reply, state, started):
    memory = reply.get("memory") or {}
    return {
        "t": round(time.monotonic() - started, 3),
        "requests": state.completed,
        "rss": memory.get("rss_bytes"),
        "anon_rss": memory.get("anon_rss_bytes"),
        "heap": memory.get("heap_in_use_bytes"),
        "fds": memory.get("open_fds"),
        "threads": memory.get("threads"),
        "pool": reply.get("pool"),
        "dashboard": reply.get("dashboard"),
    }


async def drive(port, args):
    started = time.monotonic()
    state = LoadState(args.requests, started + args.duration)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    samples = [sample_of(await stats(reader, writer), state, started)]
    clients = [asyncio.ensure_future(client(port, state, args.per_connection)) for _ in range(args.clients)]
    load = asyncio.gather(*clients)
    while not load.done():
        await asyncio.wait([load], timeout=args.sample_every)
        samples.append(sample_of(await stats(reader, writer), state, started))
    await load
    load_seconds = time.monotonic() - started
    await asyncio.sleep(args.settle)  # closed sessions are cleaned up
    final = sample_of(await stats(reader, writer), state, started)
    samples.append(final)
    writer.write(b"QUIT\n")
    await writer.drain()
    writer.close()
    return state, samples, load_seconds


def fit(points):
    """Least-squares slope of y against x, or None with fewer than 3 points."""
    if len(points) < 3:
        return None
    n = float(len(points))
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def growth_per_10k(samples, key, warmup_requests):
    points = [(s["requests"], s[key]) for s in samples if s[key] is not None and s["requests"] >= warmup_requests]
    slope = fit(points)
    return None if slope is None else slope * 10000.0


class Server:
    def __init__(self, binary):
        self.binary = binary
        self.process = subprocess.Popen([binary, "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout, self.stderr = [], []
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("%s exited before listening: %s" % (binary, self.process.stderr.read()))
            if line.startswith("LISTENING "):
                self.port = int(line.split()[1])
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not print LISTENING" % binary)
        self.readers = [threading.Thread(target=self.collect, args=(self.process.stdout, self.stdout), daemon=True),
                        threading.Thread(target=self.collect, args=(self.process.stderr, self.stderr), daemon=True)]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def collect(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def terminate(self, timeout):
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        seconds = time.monotonic() - started
        for reader in self.readers:
            reader.join(timeout=2)
        report = None
        for line in self.stdout:
            if line.startswith("SHUTDOWN_REPORT "):
                report = json.loads(line[len("SHUTDOWN_REPORT "):])
        return {"exit_code": code, "seconds": round(seconds, 4), "report": report,
                "log": [line for line in self.stderr if "shutdown" in line]}


def soak_one(name, binary, args):
    server = Server(binary)
    try:
        state, samples, load_seconds = asyncio.run(drive(server.port, args))
    except BaseException:
        server.process.kill()
        raise
    shutdown = server.terminate(args.shutdown_timeout)
    warmup = int(state.completed * args.warmup)
    start, end = samples[0], samples[-1]
    return {
        "name": name,
        "binary": binary,
        "requests": state.completed,
        "connections": state.connections,
        "errors": state.errors,
        "load_seconds": round(load_seconds, 3),
        "requests_per_second": round(state.completed / load_seconds) if load_seconds else None,
        "warmup_requests": warmup,
        "start": {k: start[k] for k in ("rss", "anon_rss", "heap", "fds", "threads")},
        "end": {k: end[k] for k in ("rss", "anon_rss", "heap", "fds", "threads")},
        "heap_growth_per_10k_requests": growth_per_10k(samples, "heap", warmup),
        "rss_growth_per_10k_requests": growth_per_10k(samples, "rss", warmup),
        "components_at_end": {"pool": end["pool"], "dashboard": end["dashboard"]},
        "shutdown": shutdown,
        "samples": samples,
    }


def mib(value):
    return "-" if value is None else "%.1f MiB" % (value / 1048576.0)


def kib(value):
    return "-" if value is None else "%+.1f KiB" % (value / 1024.0)


def shutdown_text(shutdown):
    report = shutdown["report"]
    if report is None:
        return "%.0f ms, exit %s, no report" % (shutdown["seconds"] * 1000, shutdown["exit_code"])
    ok = sum(1 for step in report["steps"] if step["outcome"] == "ok")
    return "%.0f ms, exit %s, %d/%d steps ok" % (shutdown["seconds"] * 1000, shutdown["exit_code"], ok,
                                                 len(report["steps"]))


def print_table(results):
    rows = [
        ("requests (connections)", lambda r: "%d (%d)" % (r["requests"], r["connections"])),
        ("requests / s", lambda r: str(r["requests_per_second"])),
        ("errors", lambda r: str(r["errors"])),
        ("RSS start -> end", lambda r: "%s -> %s" % (mib(r["start"]["rss"]), mib(r["end"]["rss"]))),
        ("heap start -> end", lambda r: "%s -> %s" % (mib(r["start"]["heap"]), mib(r["end"]["heap"]))),
        ("heap growth / 10k req", lambda r: kib(r["heap_growth_per_10k_requests"])),
        ("RSS growth / 10k req", lambda r: kib(r["rss_growth_per_10k_requests"])),
        ("fds at end", lambda r: str(r["end"]["fds"])),
        ("threads at end", lambda r: str(r["end"]["threads"])),
        ("SIGTERM -> exit", lambda r: shutdown_text(r["shutdown"])),
    ]
    width = max(len(label) for label, _ in rows)
    columns = [[cell(r) for _, cell in rows] for r in results]
    widths = [max(len(r["name"]), max(len(c) for c in col)) for r, col in zip(results, columns)]
    print("%-*s  %s" % (width, "", "  ".join("%-*s" % (w, r["name"]) for r, w in zip(results, widths))))
    for i, (label, _) in enumerate(rows):
        print("%-*s  %s" % (width, label, "  ".join("%-*s" % (w, col[i]) for col, w in zip(columns, widths))))


def print_shutdown_report(result):
    report = result["shutdown"]["report"]
    if not report:
        return
    print("\n%s shutdown report (signal %d, %s, total %.1f ms):" % (
        result["name"], report["signal"], "ok" if report["ok"] else "NOT ok", report["total_ms"]))
    for step in report["steps"]:
        print("  %-48s %-9s %8.3f ms" % (step["name"], step["outcome"], step["ms"]))


def verdict(leaky, fixed, max_ratio):
    leaky_growth = leaky["heap_growth_per_10k_requests"]
    fixed_growth = fixed["heap_growth_per_10k_requests"]
    problems = []
    if leaky_growth is None or fixed_growth is None:
        problems.append("not enough samples, or no heap source, to fit a slope")
    else:
        if leaky_growth <= 0:
            problems.append("the leaky server's heap did not grow")
        elif fixed_growth > max_ratio * leaky_growth:
            problems.append("the fixed server's heap grows %.1f%% of the leaky one's (limit %.1f%%)" % (
                100.0 * fixed_growth / leaky_growth, 100.0 * max_ratio))
    report = fixed["shutdown"]["report"]
    if not report or not report["ok"]:
        problems.append("the fixed server's shutdown report is missing or not ok")
    if fixed["errors"] or leaky["errors"]:
        problems.append("request errors: leaky %d, fixed %d" % (leaky["errors"], fixed["errors"]))
    ratio = None
    if leaky_growth and fixed_growth is not None and leaky_growth > 0:
        ratio = fixed_growth / leaky_growth
    return {"ok": not problems, "problems": problems, "fixed_to_leaky_heap_growth": ratio}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaky", required=True, help="leaky-server binary")
    parser.add_argument("--fixed", required=True, help="fixed-server binary")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200000, help="request budget per server")
    parser.add_argument("--duration", type=float, default=60.0, help="time limit of the load, seconds")
    parser.add_argument("--per-connection", type=int, default=10, help="requests before reconnecting")
    parser.add_argument("--sample-every", type=float, default=0.25, help="STATS interval, seconds")
    parser.add_argument("--warmup", type=float, default=0.25,
                        help="fraction of the requests before the slope is measured")
    parser.add_argument("--settle", type=float, default=0.3, help="pause before the final sample, seconds")
    parser.add_argument("--shutdown-timeout", type=float, default=10.0)
    parser.add_argument("--short", action="store_true", help="a few seconds per server (ctest)")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the direction holds")
    parser.add_argument("--max-ratio", type=float, default=0.1,
                        help="--check: fixed heap growth must stay below this fraction of the leaky one")
    parser.add_argument("--json", help="write the results as JSON to this file ('-': stdout)")
    parser.add_argument("--no-samples", action="store_true", help="leave the samples out of the JSON")
    args = parser.parse_args()
    if args.short:
        args.requests = min(args.requests, 30000)
        args.duration = min(args.duration, 2.5)
        args.clients = min(args.clients, 4)
        args.warmup = max(args.warmup, 0.4)
        args.sample_every = min(args.sample_every, 0.1)

    results = [soak_one("leaky-server", args.leaky, args), soak_one("fixed-server", args.fixed, args)]
    outcome = verdict(results[0], results[1], args.max_ratio)

    print_table(results)
    print_shutdown_report(results[1])
    ratio = outcome["fixed_to_leaky_heap_growth"]
    print("\nfixed / leaky heap growth per 10k requests: %s" % ("-" if ratio is None else "%.4f%%" % (100 * ratio)))
    for problem in outcome["problems"]:
        print("PROBLEM: " + problem)

    if args.json:
        document = {
            "config": {k: getattr(args, k) for k in ("clients", "requests", "duration", "per_connection",
                                                     "sample_every", "warmup", "short")},
            "servers": results,
            "verdict": outcome,
        }
        if args.no_samples:
            for result in results:
                del result["samples"]
        text = json.dumps(document, indent=2)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as out:
                out.write(text + "\n")
    return 0 if (outcome["ok"] or not args.check) else 1


if __name__ == "__main__":
    sys.exit(main())
