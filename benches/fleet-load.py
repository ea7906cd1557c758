#!/usr/bin/env python3
"""A fleet load test on loopback against real VictoriaMetrics (issue 19): PARTS parts x RUNS
process runs over a simulated month, stored raw (one series per part and process run) and
aggregated (VictoriaMetrics stream aggregation, one series per part), side by side.

    benches/fleet-load.py                      # 2,000 parts x 300 runs, 30 days
    benches/fleet-load.py --parts 200 --runs 20 --days 2   # a smoke run in seconds (CI)
    benches/fleet-load.py --wear target/debug/cargo-wear   # another build of cargo-wear

Raw path: every run's samples are written with explicit timestamps (VictoriaMetrics' JSON line
import, one line per series), PODS pods each restarting every DAYS*PODS/RUNS days and reporting
every hour (pods staggered, so the fleet reports every few minutes). Measured: samples written
per second, series stored, the backend's peak resident memory, the time of the query
`cargo wear report --prometheus` sends for a 30-day window, of a first `cargo wear ingest` over
the whole month, and of each daily `ingest` (a period of one day); and the ledger's totals
against what the runs counted.

Aggregated path: the same runs, in the same order, pushed through `-streamAggr.config` (the one
the guide documents), one request per simulated hour. The aggregation stamps its sums with its
own clock, so the month is pushed as fast as the backend takes it and its sums cover the
minutes of the push; what is
measured (series stored, push rate, memory, the query of `ingest --prometheus-series
aggregated`, totals) does not depend on that. Only `wear_part_calls_total` is written.

Aggregated at a month's density: the series the aggregation would have written over the
month at its documented one-minute interval (each part's sum growing evenly to its total),
written with timestamps into a third VictoriaMetrics, then ingested whole and day by day.

Needs the release binary (`cargo build --release -p cargo-wear`) and VictoriaMetrics from
`.ci/backends`. Prints one table; figures go to docs/src/benchmarks.md ("Fleets at scale").
"""
import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The documented aggregation, with a 10 s interval (the month is pushed in minutes) and
# processes forgotten a minute after their last sample.
with open(os.path.join(ROOT, "examples", "victoria-metrics", "wear-aggregation.yml")) as f:
    AGGREGATION = (f.read().replace("interval: 1m", "interval: 10s")
                   .replace("staleness_interval: 30m", "staleness_interval: 1m")
                   .replace("ignore_first_sample_interval: 5m", "ignore_first_sample_interval: 1s"))
HOUR = 3600
DAY = 86400


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Victoria:
    """A VictoriaMetrics on a free port with its own data folder."""

    def __init__(self, binary, work, name, aggregate):
        self.data = os.path.join(work, name)
        os.makedirs(self.data)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        args = [binary, f"-httpListenAddr=127.0.0.1:{port}", f"-storageDataPath={self.data}/vm",
                "-retentionPeriod=100y", "-search.latencyOffset=0s", "-loggerLevel=ERROR",
                "-search.maxSamplesPerQuery=2000000000", "-search.maxUniqueTimeseries=10000000",
                "-search.maxQueryDuration=600s"]
        if aggregate:
            config = os.path.join(self.data, "aggregation.yml")
            with open(config, "w") as f:
                f.write(AGGREGATION)
            args.append(f"-streamAggr.config={config}")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/health", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit(f"victoria-metrics did not start ({binary})")
                time.sleep(0.1)

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        urllib.request.urlopen(request, timeout=600).read()

    def get(self, path, **params):
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        return json.loads(urllib.request.urlopen(url, timeout=600).read())

    def flush(self):
        urllib.request.urlopen(self.url + "/internal/force_flush", timeout=600).read()

    def series(self, name, days, at):
        """How many series of `name` had a sample in the `days` before `at`."""
        answer = self.get("/api/v1/query", query=f"count(count_over_time({name}[{days}d]))", time=str(at))
        result = answer["data"]["result"]
        return int(float(result[0]["value"][1])) if result else 0

    def memory_mib(self):
        """(resident now, peak resident) in MiB."""
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        kib = lambda k: int(fields.get(k, "0 kB").split()[0])
        return kib("VmRSS") / 1024, kib("VmHWM") / 1024

    def disk_mib(self):
        total = 0
        for folder, _, files in os.walk(os.path.join(self.data, "vm")):
            for name in files:
                try:
                    total += os.path.getsize(os.path.join(folder, name))
                except OSError:
                    pass
        return total / 2**20

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def runs_of(args, start):
    """Every process run: (instance, pod, first sample, samples). Each pod restarts every
    DAYS*PODS/RUNS days at its own phase (rolling restarts: its first run is shorter, its last
    ends with the month), and reports every hour at its own minute, so that the fleet reports
    every few minutes."""
    per_pod = args.runs // args.pods
    life = args.days * DAY // per_pod
    end = start + args.days * DAY
    runs = []
    for pod in range(args.pods):
        phase = pod * life // args.pods
        minute = 60 + pod * (HOUR - 120) // args.pods
        for k in range(per_pod):
            born = start + phase + k * life if k else start
            dies = end if k == per_pod - 1 else start + phase + (k + 1) * life
            first = born + (minute - born) % HOUR  # the pod's minute of the hour
            if first < born + 60:
                first += HOUR
            samples = max(1, (dies - first - 1) // HOUR + 1)
            runs.append((f"pod{pod}-run{k}", pod, first, samples))
    return runs


def rate(part, run_index):
    return 1 + (part * 7 + run_index * 13) % 50


def serial(part):
    return f"{part:016x}"


def labels(part, instance):
    return {"__name__": "wear_part_calls_total", "code_function_name": f"load::part_{part}",
            "wear_part_serial": serial(part), "service_name": "load", "service_instance_id": instance}


def import_series(vm, series, per_request):
    """Writes `series` ((labels, values, timestamps in ms) each) with VictoriaMetrics' JSON line
    import, `per_request` series a request; returns (samples, seconds)."""
    samples, started, batch = 0, time.time(), []
    for metric, values, timestamps in series:
        batch.append(json.dumps({"metric": metric, "values": values, "timestamps": timestamps}))
        samples += len(values)
        if len(batch) >= per_request:
            vm.post("/api/v1/import", "\n".join(batch).encode())
            batch = []
    if batch:
        vm.post("/api/v1/import", "\n".join(batch).encode())
    vm.flush()
    return samples, time.time() - started


def write_raw(vm, args, runs):
    """Every run's series with explicit timestamps; returns (samples, seconds)."""
    def series():
        for index, (instance, _, first, n) in enumerate(runs):
            timestamps = [(first + j * HOUR) * 1000 for j in range(n)]
            for part in range(args.parts):
                r = rate(part, index)
                yield labels(part, instance), [r * (j + 1) for j in range(n)], timestamps
    return import_series(vm, series(), 20000)


def push_aggregated(vm, args, runs):
    """The same samples in time order through the aggregation, one request per simulated hour
    (each series once in it, as each process pushes its own in turn), with their timestamps:
    the aggregation skips a sample older than the last one of its series, so requests that the
    backend splits and reads in parallel cannot make a counter look reset."""
    hours = {}
    for index, (instance, _, first, n) in enumerate(runs):
        for j in range(n):
            hours.setdefault((first + j * HOUR) // HOUR, []).append((first + j * HOUR, index, instance, j))
    samples, started = 0, time.time()
    for hour in sorted(hours):
        batch = []
        for at, index, instance, j in sorted(hours[hour]):
            for part in range(args.parts):
                text = ",".join(f'{k}="{v}"' for k, v in labels(part, instance).items() if k != "__name__")
                batch.append(f"wear_part_calls_total{{{text}}} {rate(part, index) * (j + 1)} {at * 1000}")
            samples += args.parts
        vm.post("/api/v1/import/prometheus", "\n".join(batch).encode())
    return samples, time.time() - started


def write_aggregated_month(vm, args, expected, start):
    """What the aggregation would have written over the month, one sample a minute per part,
    with explicit timestamps: the query cost of the aggregated path at a month's density. Each
    part's sum grows evenly to its total. Returns (samples, seconds)."""
    minutes = args.days * DAY // 60
    timestamps = [(start + 60 * (m + 1)) * 1000 for m in range(minutes)]

    def series():
        for part in range(args.parts):
            total = expected[f"load::part_{part}"]
            metric = {"__name__": "wear_fleet_part_calls_total", "code_function_name": f"load::part_{part}",
                      "wear_part_serial": serial(part), "service_name": "load"}
            yield metric, [total * (m + 1) // minutes for m in range(minutes)], timestamps
    return import_series(vm, series(), 50)


def truth(args, runs):
    return {f"load::part_{p}": sum(rate(p, i) * n for i, (_, _, _, n) in enumerate(runs))
            for p in range(args.parts)}


def ledger_totals(path):
    db = sqlite3.connect(path)
    rows = db.execute("SELECT c.path, sum(c.calls) FROM counts c JOIN series s ON s.id = c.series "
                      "WHERE s.instance LIKE 'fleet period %' GROUP BY c.path").fetchall()
    db.close()
    return dict(rows)


def instant(secs):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(secs))


def wear(binary, *args):
    started = time.time()
    out = subprocess.run([binary, "wear", *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"cargo wear {' '.join(args)} failed:\n{out.stderr}")
    return time.time() - started, out.stderr


def ingest_daily(binary, url, ledger, start, days, *extra):
    """One `ingest` at the end of each day; (seconds, warnings) of each. Warnings are shown."""
    runs = []
    for day in range(1, days + 1):
        window = ["--window", "1d"] if day == 1 else []
        took, said = wear(binary, "ingest", "--prometheus", url, "--now", instant(start + day * DAY),
                          "--ledger", ledger, *extra, *window)
        runs.append((took, said.count("warning:")))
        print(said if runs[-1][1] else "", file=sys.stderr, end="")
    return runs


def timed_query(vm, promql, at):
    started = time.time()
    answer = vm.get("/api/v1/query", query=promql, time=str(at))
    return time.time() - started, answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--pods", type=int, default=10)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--wear", help="the cargo-wear binary (default: the release build)")
    args = parser.parse_args()
    home = os.environ.get("HOME", "")
    vm_binary = os.environ.get("WEAR_VICTORIA_METRICS",
                               f"{home}/.cache/wear/backends/victoria-metrics/usr/bin/victoria-metrics")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    wear_binary = args.wear or os.path.join(target, "release", "cargo-wear")
    for path, how in [(vm_binary, "bash .ci/backends"), (wear_binary, "cargo build --release -p cargo-wear")]:
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run `{how}`")
    work = tempfile.mkdtemp(prefix="wear-fleet-load-")
    # The simulated month ends an hour ago (the backend refuses samples from the future).
    end = (int(time.time()) // HOUR - 1) * HOUR
    start = end - args.days * DAY
    runs = runs_of(args, start)
    expected = truth(args, runs)
    rows = []
    try:
        # The raw path.
        raw = Victoria(vm_binary, work, "raw", aggregate=False)
        samples, secs = write_raw(raw, args, runs)
        raw_series = raw.series("wear_part_calls_total", args.days + 1, end)
        window_promql = ("sum by (code_function_name, wear_part_serial) "
                         f"(max_over_time(wear_part_calls_total[{args.days * DAY}s]))")
        window_secs, answer = timed_query(raw, window_promql, end)
        window_total = sum(float(s["value"][1]) for s in answer["data"]["result"])
        ledger = os.path.join(work, "raw.sqlite")
        first_secs, _ = wear(wear_binary, "ingest", "--prometheus", raw.url, "--now", instant(end),
                             "--window", f"{args.days + 1}d", "--ledger", ledger)
        month_ok = ledger_totals(ledger) == expected
        daily_ledger = os.path.join(work, "daily.sqlite")
        daily = ingest_daily(wear_binary, raw.url, daily_ledger, start, args.days)
        daily_ok = ledger_totals(daily_ledger) == expected
        raw_rss, raw_peak = raw.memory_mib()
        raw_disk = raw.disk_mib()
        raw.stop()

        # The aggregated path.
        agg = Victoria(vm_binary, work, "aggregated", aggregate=True)
        time.sleep(3)  # past the aggregation's first second (its clock ticks once a second)
        pushed, push_secs = push_aggregated(agg, args, runs)
        deadline = time.time() + 120
        want = float(sum(expected.values()))
        while True:
            agg.flush()
            answer = agg.get("/api/v1/query", query="sum(max_over_time(wear_fleet_part_calls_total[1d]))")
            result = answer["data"]["result"]
            if result and float(result[0]["value"][1]) == want:
                break
            if time.time() > deadline:
                sys.exit(f"the aggregation never reached {want} calls: {result}")
            time.sleep(1)
        time.sleep(1.5)
        agg_series = agg.series("wear_fleet_part_calls_total", 1, int(time.time()))
        agg_raw_series = agg.series("wear_part_calls_total", args.days + 1, int(time.time()))
        now = int(time.time())
        agg_ledger = os.path.join(work, "aggregated.sqlite")
        agg_secs, _ = wear(wear_binary, "ingest", "--prometheus", agg.url, "--prometheus-series", "aggregated",
                           "--now", instant(now), "--window", "1d", "--ledger", agg_ledger)
        agg_ok = ledger_totals(agg_ledger) == expected
        agg_rss, agg_peak = agg.memory_mib()
        agg_disk = agg.disk_mib()
        agg.stop()

        # The aggregated series as a month of one-minute sums would leave them.
        month = Victoria(vm_binary, work, "aggregated-month", aggregate=False)
        month_samples, month_write = write_aggregated_month(month, args, expected, start)
        month_series = month.series("wear_fleet_part_calls_total", args.days + 1, end)
        month_ledger = os.path.join(work, "aggregated-month.sqlite")
        month_first, _ = wear(wear_binary, "ingest", "--prometheus", month.url, "--prometheus-series",
                              "aggregated", "--now", instant(end), "--window", f"{args.days + 1}d",
                              "--ledger", month_ledger)
        month_first_ok = ledger_totals(month_ledger) == expected
        month_daily_ledger = os.path.join(work, "aggregated-month-daily.sqlite")
        month_daily = ingest_daily(wear_binary, month.url, month_daily_ledger, start, args.days,
                                   "--prometheus-series", "aggregated")
        month_daily_ok = ledger_totals(month_daily_ledger) == expected
        month_rss, month_peak = month.memory_mib()
        month_disk = month.disk_mib()
        month.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{args.parts} parts x {len(runs)} process runs ({args.pods} pods) over {args.days} days, "
          f"{samples:,} samples of wear_part_calls_total; {sum(expected.values()):,} calls in all")
    print()
    exact = lambda ok: "exact" if ok else "WRONG"
    daily_line = lambda d, ok: (f"{sum(t for t, _ in d) / len(d):.2f} / {max(t for t, _ in d):.2f} s, "
                                f"{sum(w for _, w in d)} warnings; totals after {len(d)} days {exact(ok)}")
    print("| | raw (one series per part and run) | aggregated, pushed through the stream aggregation "
          "| aggregated, a month of one-minute sums |")
    print("|---|---|---|---|")
    print(f"| series stored | {raw_series:,} | {agg_series:,} (and {agg_raw_series} raw) | {month_series:,} |")
    print(f"| samples written per second | {samples / secs:,.0f} ({samples:,} with timestamps in {secs:.1f} s) "
          f"| {pushed / push_secs:,.0f} ({pushed:,} in {push_secs:.1f} s) "
          f"| {month_samples / month_write:,.0f} ({month_samples:,} in {month_write:.1f} s) |")
    print(f"| backend memory, now / peak | {raw_rss:.0f} / {raw_peak:.0f} MiB | {agg_rss:.0f} / {agg_peak:.0f} MiB "
          f"| {month_rss:.0f} / {month_peak:.0f} MiB |")
    print(f"| backend disk | {raw_disk:.1f} MiB | {agg_disk:.1f} MiB | {month_disk:.1f} MiB |")
    print(f"| the `report --prometheus` query, {args.days}-day window | {window_secs:.2f} s "
          f"(total {exact(window_total == want)}) | | |")
    print(f"| first `ingest` (all {args.days} days) | {first_secs:.2f} s (totals {exact(month_ok)}) "
          f"| {agg_secs:.2f} s (totals {exact(agg_ok)}) | {month_first:.2f} s (totals {exact(month_first_ok)}) |")
    print(f"| daily `ingest` (one day), mean / max | {daily_line(daily, daily_ok)} | "
          f"| {daily_line(month_daily, month_daily_ok)} |")
    if not (month_ok and daily_ok and agg_ok and window_total == want and month_first_ok and month_daily_ok):
        sys.exit("totals differ from what the runs counted")


if __name__ == "__main__":
    main()
