#!/usr/bin/env python3
"""A fleet load test on loopback against real VictoriaMetrics and Prometheus (issue 19): PARTS parts x RUNS
process runs over a simulated month, stored raw (one series per part and process run) and
aggregated (VictoriaMetrics stream aggregation, one series per part), side by side.

    benches/fleet-load.py                      # 2,000 parts x 300 runs, 30 days
    benches/fleet-load.py --parts 200 --runs 20 --days 2   # a smoke run in seconds (CI)
    benches/fleet-load.py --wear target/debug/cargo-wear   # another build of cargo-wear
    benches/fleet-load.py --days 3 --runs 30 --prometheus  # and the raw path on Prometheus

Raw path: every run's samples are written with explicit timestamps (VictoriaMetrics' JSON line
import, one line per series), PODS pods each restarting every DAYS*PODS/RUNS days and reporting
every hour (pods staggered, so the fleet reports every few minutes). Measured: samples written
per second, series stored, the backend's peak resident memory, the time of the query
`cargo wear report --prometheus` sends for a 30-day window, of a first `cargo wear ingest` over
the whole month, and of each daily `ingest` (a period of one day); and the ledger's totals
against what the runs counted.

With --prometheus, the raw path runs on Prometheus too: the same samples written into its
storage by `promtool tsdb create-blocks-from openmetrics`, then the same queries and ingests.
Prometheus 2.42's promtool reads its whole input once per two-hour block, so a month of
samples takes it over 20 minutes (killed there once); `--days 3` is what the guide reports.

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


class Backend:
    """A metrics backend on a free port, with its own data folder (`self.store`)."""

    def wait_ready(self, path, what):
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(self.url + path, timeout=1).read()
                return
            except OSError:
                if time.time() > deadline:
                    sys.exit(f"{what} did not start")
                time.sleep(0.1)

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        urllib.request.urlopen(request, timeout=600).read()

    def get(self, path, **params):
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        return json.loads(urllib.request.urlopen(url, timeout=600).read())

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
        for folder, _, files in os.walk(self.store):
            for name in files:
                try:
                    total += os.path.getsize(os.path.join(folder, name))
                except OSError:
                    pass
        return total / 2**20

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Victoria(Backend):
    """A VictoriaMetrics, aggregating as AGGREGATION says when `aggregate`."""

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
        self.store = os.path.join(self.data, "vm")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_ready("/health", f"victoria-metrics ({binary})")

    def flush(self):
        urllib.request.urlopen(self.url + "/internal/force_flush", timeout=600).read()



class Prometheus(Backend):
    """A Prometheus whose storage `promtool tsdb create-blocks-from openmetrics` wrote from the
    raw samples (how samples with timestamps get into Prometheus)."""

    def __init__(self, work, args, runs):
        self.data = os.path.join(work, "prometheus")
        os.makedirs(self.data)
        self.store = os.path.join(self.data, "tsdb")
        text = os.path.join(self.data, "samples.om")
        started = time.time()
        self.samples = 0
        with open(text, "w") as f:
            for metric, values, timestamps in raw_series(args, runs):
                name = metric["__name__"]
                labels_text = ",".join(f'{k}="{v}"' for k, v in metric.items() if k != "__name__")
                for value, ms in zip(values, timestamps):
                    f.write(f"{name}{{{labels_text}}} {value} {ms // 1000}\n")
                self.samples += len(values)
            f.write("# EOF\n")
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "--quiet", text, self.store],
                       check=True, stdout=subprocess.DEVNULL)
        os.remove(text)
        self.write_secs = time.time() - started
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=/dev/null", f"--storage.tsdb.path={self.store}",
             f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y",
             "--query.timeout=10m", "--log.level=error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_ready("/-/ready", "prometheus")


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


def raw_series(args, runs):
    """Every run's series: (labels, values, timestamps in ms)."""
    for index, (instance, _, first, n) in enumerate(runs):
        timestamps = [(first + j * HOUR) * 1000 for j in range(n)]
        for part in range(args.parts):
            r = rate(part, index)
            yield labels(part, instance), [r * (j + 1) for j in range(n)], timestamps


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
    parser.add_argument("--prometheus", action="store_true",
                        help="also the raw path on Prometheus (promtool writes its storage: slow past a few days)")
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
    want = sum(expected.values())
    columns = []
    try:
        raw = Victoria(vm_binary, work, "raw", aggregate=False)
        samples, secs = import_series(raw, raw_series(args, runs), 20000)
        columns.append(("raw on VictoriaMetrics", raw_column(raw, args, work, wear_binary, expected, start, end)
                        | {"written": f"{samples / secs:,.0f} ({samples:,} with timestamps in {secs:.1f} s)"}))
        if args.prometheus:
            prom = Prometheus(work, args, runs)
            written = (f"{prom.samples / prom.write_secs:,.0f} ({prom.samples:,} through promtool "
                       f"in {prom.write_secs:.1f} s)")
            columns.append(("raw on Prometheus", raw_column(prom, args, work, wear_binary, expected, start, end)
                            | {"written": written}))
        columns.append(("aggregated, pushed through the stream aggregation",
                        pushed_column(vm_binary, work, wear_binary, args, runs, expected)))
        month = Victoria(vm_binary, work, "aggregated-month", aggregate=False)
        month_samples, month_write = write_aggregated_month(month, args, expected, start)
        columns.append(("aggregated, a month of one-minute sums",
                        month_column(month, args, work, wear_binary, expected, start, end)
                        | {"written": f"{month_samples / month_write:,.0f} ({month_samples:,} in {month_write:.1f} s)"}))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{args.parts} parts x {len(runs)} process runs ({args.pods} pods) over {args.days} days, "
          f"{samples:,} samples of wear_part_calls_total; {want:,} calls in all")
    print()
    print("| | " + " | ".join(name for name, _ in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for key, label in [("series", "series stored"), ("written", "samples written per second"),
                       ("memory", "backend memory, now / peak"), ("disk", "backend disk"),
                       ("window", f"the `report --prometheus` query, {args.days}-day window"),
                       ("first", f"first `ingest` (all {args.days} days)"),
                       ("daily", "daily `ingest` (one day), mean / max")]:
        print(f"| {label} | " + " | ".join(cells.get(key, "") for _, cells in columns) + " |")
    if any("WRONG" in cell for _, cells in columns for cell in cells.values()):
        sys.exit("totals differ from what the runs counted")


def exact(ok):
    return "exact" if ok else "WRONG"


def daily_cell(runs, ok):
    return (f"{sum(t for t, _ in runs) / len(runs):.2f} / {max(t for t, _ in runs):.2f} s, "
            f"{sum(w for _, w in runs)} warnings; totals after {len(runs)} days {exact(ok)}")


def common_cells(backend):
    rss, peak = backend.memory_mib()
    return {"memory": f"{rss:.0f} / {peak:.0f} MiB", "disk": f"{backend.disk_mib():.1f} MiB"}


def ingest_cells(backend, args, work, wear_binary, expected, start, end, *extra):
    """One `ingest` of the whole month into one ledger, and daily ones into another."""
    name = os.path.basename(backend.data)
    ledger = os.path.join(work, f"{name}-month.sqlite")
    took, _ = wear(wear_binary, "ingest", "--prometheus", backend.url, *extra, "--now", instant(end),
                   "--window", f"{args.days + 1}d", "--ledger", ledger)
    daily_ledger = os.path.join(work, f"{name}-daily.sqlite")
    daily = ingest_daily(wear_binary, backend.url, daily_ledger, start, args.days, *extra)
    return {"first": f"{took:.2f} s (totals {exact(ledger_totals(ledger) == expected)})",
            "daily": daily_cell(daily, ledger_totals(daily_ledger) == expected)}


def raw_column(backend, args, work, wear_binary, expected, start, end):
    """The raw path on `backend`, which holds the runs' series: the window query, a first ingest
    of the whole month, and daily ingests; then the backend is stopped."""
    series = backend.series("wear_part_calls_total", args.days + 1, end)
    window_promql = ("sum by (code_function_name, wear_part_serial) "
                     f"(max_over_time(wear_part_calls_total[{args.days * DAY}s]))")
    window_secs, answer = timed_query(backend, window_promql, end)
    window_total = sum(float(s["value"][1]) for s in answer["data"]["result"])
    cells = {
        "series": f"{series:,}",
        "window": f"{window_secs:.2f} s (total {exact(window_total == sum(expected.values()))})",
    } | ingest_cells(backend, args, work, wear_binary, expected, start, end) | common_cells(backend)
    backend.stop()
    return cells


def pushed_column(vm_binary, work, wear_binary, args, runs, expected):
    """The runs pushed through the stream aggregation, then one ingest of what it summed."""
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
    now = int(time.time())
    series = agg.series("wear_fleet_part_calls_total", 1, now)
    raw = agg.series("wear_part_calls_total", args.days + 1, now)
    ledger = os.path.join(work, "aggregated.sqlite")
    took, _ = wear(wear_binary, "ingest", "--prometheus", agg.url, "--prometheus-series", "aggregated",
                   "--now", instant(now), "--window", "1d", "--ledger", ledger)
    cells = {
        "series": f"{series:,} (and {raw} raw)",
        "written": f"{pushed / push_secs:,.0f} ({pushed:,} in {push_secs:.1f} s)",
        "first": f"{took:.2f} s (totals {exact(ledger_totals(ledger) == expected)})",
    } | common_cells(agg)
    agg.stop()
    return cells


def month_column(month, args, work, wear_binary, expected, start, end):
    """A month of aggregated sums: one ingest of all of it, and daily ingests."""
    series = month.series("wear_fleet_part_calls_total", args.days + 1, end)
    cells = {"series": f"{series:,}"} | common_cells(month) | ingest_cells(
        month, args, work, wear_binary, expected, start, end, "--prometheus-series", "aggregated")
    month.stop()
    return cells


if __name__ == "__main__":
    main()
