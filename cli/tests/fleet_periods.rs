//! Fleet periods and aggregated series against a real VictoriaMetrics on loopback (installed by
//! `.ci/backends`): `ingest --prometheus` records what the fleet counted since the ledger's last
//! period, so that repeated, overlapping or interrupted runs never count twice and a report
//! reads the ledger plus the stretch since; `--prometheus-series aggregated` reads the one
//! series per part that VictoriaMetrics' stream aggregation keeps whatever the restarts.
//! Samples of the raw path are written with explicit timestamps; the stream aggregation stamps
//! its sums with its own clock, so its processes report live. The raw path runs on a real
//! Prometheus too, its day of samples written into storage by `promtool`.
mod fleet_server;
mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fleet_server::{Reply, Server};
use serde_json::Value;
use support::{Fixture, tree_bytes};
use wear_cli::usage::{Ledger, UsageSet};

/// The stream aggregation the guide documents, with a one-second interval so the test is short
/// and the first samples of new processes counted from the second second on.
fn aggregation() -> String {
    let documented = include_str!("../../examples/victoria-metrics/wear-aggregation.yml");
    let shorter = documented
        .replace("interval: 1m", "interval: 1s")
        .replace("staleness_interval: 30m", "staleness_interval: 1h")
        .replace("ignore_first_sample_interval: 5m", "ignore_first_sample_interval: 1s");
    assert_ne!(shorter, documented);
    shorter
}

struct Victoria {
    child: Child,
    url: String,
    _data: tempfile::TempDir,
}

impl Drop for Victoria {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A VictoriaMetrics on a free port, aggregating as [`aggregation`] says when `aggregate`.
fn victoria(aggregate: bool) -> Victoria {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let binary = std::env::var_os("WEAR_VICTORIA_METRICS")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cache/wear/backends/victoria-metrics/usr/bin/victoria-metrics"));
    assert!(binary.is_file(), "no VictoriaMetrics at {}: run `bash .ci/backends`", binary.display());
    let data = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let mut command = Command::new(binary);
    command
        .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
        .arg(format!("-storageDataPath={}", data.path().join("vm").display()))
        .args(["-retentionPeriod=100y", "-search.latencyOffset=0s", "-loggerLevel=ERROR"]);
    if aggregate {
        let config = data.path().join("aggregation.yml");
        std::fs::write(&config, aggregation()).expect("config");
        command.arg(format!("-streamAggr.config={}", config.display()));
    }
    let child = command.stdout(Stdio::null()).spawn().expect("victoria-metrics starts");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{url}/health")).call().is_err() {
        assert!(Instant::now() < deadline, "victoria-metrics did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Victoria { child, url, _data: data }
}

impl Victoria {
    /// Writes Prometheus text lines (with or without timestamps) and makes them searchable.
    fn import(&self, lines: &str) {
        ureq::post(&format!("{}/api/v1/import/prometheus", self.url)).send(lines).expect("import");
        self.flush();
    }

    /// Makes what was written searchable.
    fn flush(&self) {
        ureq::get(&format!("{}/internal/force_flush", self.url)).call().expect("flush");
    }

    /// The value of an instant query that answers one sample, if it does.
    fn value(&self, promql: &str) -> Option<f64> {
        let mut answer =
            ureq::get(&format!("{}/api/v1/query", self.url)).query("query", promql).call().ok()?;
        let body: Value = serde_json::from_str(&answer.body_mut().read_to_string().ok()?).ok()?;
        body["data"]["result"][0]["value"][1].as_str()?.parse().ok()
    }

    /// How many series of `name` the backend stores.
    fn series(&self, name: &str) -> usize {
        let mut answer = ureq::get(&format!("{}/api/v1/series", self.url))
            .query("match[]", name)
            .query("start", "0")
            .call()
            .expect("series");
        let body: Value =
            serde_json::from_str(&answer.body_mut().read_to_string().expect("body")).expect("json");
        body["data"].as_array().map_or(0, Vec::len)
    }
}

/// A workspace with two parts, and their serials.
fn workspace() -> (Fixture, BTreeMap<String, String>) {
    let fx = Fixture::new("periods");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() {}\n\n#[wear::tracked]\npub fn warm() {}\n");
    fx.write("wear.toml", "[defaults]\nage = \"3650d\"\n");
    fx.commit("parts", "Ana", "2025-01-10");
    let serials = fx.serials();
    (fx, serials)
}

/// One sample line of `metric` for `part` of process run `instance`.
fn line(metric: &str, part: &str, serials: &BTreeMap<String, String>, instance: &str, value: u64) -> String {
    format!(
        "{metric}{{code_function_name=\"{part}\",wear_part_serial=\"{}\",service_name=\"shop\",\
         service_instance_id=\"{instance}\"}} {value}",
        serials[part]
    )
}

/// 2026-11-20T00:00:00Z, the start of the simulated day.
const DAY: i64 = 1_795_132_800;

fn instant(secs: i64) -> String {
    jiff::Timestamp::from_second(secs).expect("instant").to_string()
}

fn ingest(fx: &Fixture, url: &str, now: i64, extra: &[&str]) -> std::process::Output {
    let now = instant(now);
    let mut args = vec!["ingest", "--prometheus", url, "--now", &now, "--ledger", "ledger.sqlite"];
    args.extend_from_slice(extra);
    fx.wear(&args).output().expect("ingest runs")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Total calls per part path in the ledger.
fn ledger_calls(fx: &Fixture) -> BTreeMap<String, u64> {
    let mut set = UsageSet::new();
    set.add_ledger(&Ledger::open(&fx.root().join("ledger.sqlite")).expect("ledger"), None).expect("read");
    set.usage()
        .parts
        .iter()
        .map(|(path, serials)| (path.clone(), serials.values().map(|s| s.calls).sum()))
        .collect()
}

/// Runs a command that must fail with exit 2 naming `needle`, and write nothing.
fn fails_cleanly(fx: &Fixture, args: &[&str], needle: &str) -> String {
    let before = tree_bytes(fx.root());
    let out = fx.wear(args).output().expect("runs");
    let stderr = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in:\n{stderr}");
    assert_eq!(tree_bytes(fx.root()), before, "{args:?} changed files");
    stderr
}

/// Three process runs over a day, every five minutes: `a` all day, `b` until noon and its
/// restart `c` from 13:00 (one hour without `hot` from `b`/`c`, but `a` goes on). `hot` counts
/// five calls between samples in each run, `warm` one. Samples as (instance, part, value,
/// seconds), and the calls per part.
type Sample = (&'static str, &'static str, u64, i64);
fn a_day_of_samples() -> (Vec<Sample>, BTreeMap<String, u64>) {
    let mut samples = Vec::new();
    let mut truth = BTreeMap::new();
    for (instance, from, to) in [("a", 0, 288), ("b", 0, 144), ("c", 156, 288)] {
        for step in from..to {
            let (n, t) = ((step - from + 1) as u64, DAY + step * 300);
            samples.push((instance, "periods::hot", 5 * n, t));
            samples.push((instance, "periods::warm", n, t));
        }
        let n = (to - from) as u64;
        *truth.entry("periods::hot".to_owned()).or_insert(0) += 5 * n;
        *truth.entry("periods::warm".to_owned()).or_insert(0) += n;
    }
    (samples, truth)
}

/// [`a_day_of_samples`] as lines VictoriaMetrics imports (milliseconds).
fn a_day(serials: &BTreeMap<String, String>) -> (String, BTreeMap<String, u64>) {
    let (samples, truth) = a_day_of_samples();
    let lines: Vec<String> = samples
        .iter()
        .map(|(instance, part, value, t)| {
            format!("{} {}", line("wear_part_calls_total", part, serials, instance, *value), t * 1000)
        })
        .collect();
    (lines.join("\n"), truth)
}

#[test]
fn raw_periods_add_up_to_the_fleet_total_once_whatever_the_runs() {
    let (fx, serials) = workspace();
    let vm = victoria(false);
    let (samples, truth) = a_day(&serials);
    vm.import(&samples);

    // Four periods of six hours; the first reaches back a day (--window) before any sample.
    for k in 1..=4 {
        let out = ingest(&fx, &vm.url, DAY + k * 6 * 3600, &["--window", "1d"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("ingested the usage of"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("warning"), "no gap: `a` reported all day: {}", stderr(&out));
    }
    assert_eq!(ledger_calls(&fx), truth, "the periods add up to what the processes counted");

    // Repeated, and overlapping (an earlier --now): nothing new, nothing written.
    for now in [DAY + 24 * 3600, DAY + 20 * 3600] {
        let before = tree_bytes(fx.root());
        let out = ingest(&fx, &vm.url, now, &[]);
        assert!(out.status.success() && stderr(&out).contains("nothing to ingest"), "{}", stderr(&out));
        assert_eq!(tree_bytes(fx.root()), before, "a repeated run changes nothing");
    }
    assert_eq!(ledger_calls(&fx), truth);

    // A report reads the ledger plus the stretch since its last period: more calls in it add up.
    let later = (DAY + 24 * 3600 + 600) * 1000;
    vm.import(&format!("{} {later}", line("wear_part_calls_total", "periods::hot", &serials, "d", 7)));
    let now = instant(DAY + 25 * 3600);
    let args =
        ["report", "--now", &now, "--format", "json", "--prometheus", &vm.url, "--ledger", "ledger.sqlite"];
    let out = fx.wear(&args).output().expect("report runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let hot =
        report["parts"].as_array().expect("parts").iter().find(|p| p["path"] == "periods::hot").expect("hot");
    assert_eq!(hot["calls_since_new"], truth["periods::hot"] + 7);
}

#[test]
fn a_stretch_without_samples_is_reported_and_kept_not_filled_in() {
    let (fx, serials) = workspace();
    let vm = victoria(false);
    // One run until 06:00, the next from 09:00: three hours with no sample at all.
    let mut lines = Vec::new();
    for (instance, from, to) in [("a", 0, 72), ("b", 108, 144)] {
        for step in from..to {
            let t = (DAY + step * 300) * 1000;
            lines.push(format!(
                "{} {t}",
                line("wear_part_calls_total", "periods::hot", &serials, instance, (step - from + 1) as u64)
            ));
        }
    }
    vm.import(&lines.join("\n"));
    let out = ingest(&fx, &vm.url, DAY + 3 * 3600, &["--window", "4h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = ingest(&fx, &vm.url, DAY + 12 * 3600, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("warning:") && said.contains("no `wear_part_calls_total` sample"), "{said}");
    assert!(said.contains("2026-11-20T06:") && said.contains("2026-11-20T09:"), "names the stretch: {said}");
    assert_eq!(ledger_calls(&fx)["periods::hot"], 72 + 36, "what was there, and nothing made up");

    // Every report from the ledger says it again.
    let out =
        fx.wear(&["report", "--now", "2026-11-21", "--ledger", "ledger.sqlite"]).output().expect("report");
    assert!(stderr(&out).contains("misses some of the usage"), "{}", stderr(&out));
}

#[test]
fn an_interrupted_ingest_writes_nothing_and_the_next_counts_once() {
    let (fx, serials) = workspace();
    let vm = victoria(false);
    let (samples, truth) = a_day(&serials);
    vm.import(&samples);
    let first = ingest(&fx, &vm.url, DAY + 12 * 3600, &["--window", "1d"]);
    assert!(first.status.success(), "{}", stderr(&first));

    // The backend answers two queries, then fails for good (it went down mid-ingest).
    let backend = vm.url.clone();
    let flaky = Server::start(move |request, n| {
        if n >= 2 {
            return Reply::Status(503, "down".to_owned());
        }
        let mut call = ureq::get(&format!("{backend}{}", request.path));
        for (key, value) in &request.params {
            call = call.query(key, value);
        }
        match call.call() {
            Ok(mut answer) => Reply::Status(200, answer.body_mut().read_to_string().unwrap_or_default()),
            Err(e) => Reply::Status(500, e.to_string()),
        }
    });
    let now = instant(DAY + 24 * 3600);
    let args = [
        "ingest",
        "--prometheus",
        &flaky.url,
        "--now",
        &now,
        "--ledger",
        "ledger.sqlite",
        "--prometheus-timeout",
        "1",
    ];
    fails_cleanly(&fx, &args, "failed 4 times");

    // Run again against the backend: the second half of the day, once.
    let out = ingest(&fx, &vm.url, DAY + 24 * 3600, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ledger_calls(&fx), truth);
}

#[test]
fn aggregated_series_are_one_per_part_and_count_every_run_exactly() {
    let (fx, serials) = workspace();
    let vm = victoria(true);
    // Past the aggregation's first second, whose first samples it sets aside (its clock ticks
    // once a second, so that second may last two).
    std::thread::sleep(Duration::from_millis(3000));
    let start = jiff::Timestamp::now().as_second();
    let mut truth = 0;
    // Twelve process runs, each reporting three times, one after another: restarts.
    for run in 0..12 {
        let instance = format!("run-{run}");
        for n in 1..=3u64 {
            vm.import(&line("wear_part_calls_total", "periods::hot", &serials, &instance, 10 * n + run));
        }
        truth += 30 + run;
    }
    // The aggregation writes its sums once a second, and the backend makes them searchable
    // soon after: wait for the last of them, as a daily ingest would.
    let deadline = Instant::now() + Duration::from_secs(30);
    while vm.value("max_over_time(wear_fleet_part_calls_total[1h])") != Some(truth as f64) {
        assert!(Instant::now() < deadline, "the aggregation never wrote {truth}");
        std::thread::sleep(Duration::from_millis(200));
        vm.flush();
    }
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(vm.series("wear_fleet_part_calls_total"), 1, "one series for twelve runs");
    assert_eq!(vm.series("wear_part_calls_total"), 0, "the runs' own series are not stored");

    let now = jiff::Timestamp::now().as_second();
    let out = ingest(&fx, &vm.url, now, &["--prometheus-series", "aggregated", "--window", "1h"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ledger_calls(&fx)["periods::hot"], truth, "from {start} to {now}");

    // Raw series asked of a backend that keeps only aggregated ones, and the other way round:
    // a clear error, and nothing written.
    let now_text = instant(now);
    let fresh = ["ingest", "--prometheus", &vm.url, "--now", &now_text, "--ledger", "fresh.sqlite"];
    fails_cleanly(&fx, &fresh, "no `wear_part_calls_total` series");
    let raw = victoria(false);
    raw.import(&line("wear_part_calls_total", "periods::hot", &serials, "p", 3));
    let mut args = fresh.to_vec();
    args[2] = &raw.url;
    args.extend(["--prometheus-series", "aggregated"]);
    let said = fails_cleanly(&fx, &args, "no `wear_fleet_part_calls_total` series");
    assert!(said.contains("streamAggr") && said.contains("--prometheus-series raw"), "{said}");

    // Aggregated series that kept a label of the process run: refused, nothing written.
    raw.import(&format!(
        "{} {}",
        line("wear_fleet_part_calls_total", "periods::hot", &serials, "p", 3),
        (now - 60) * 1000
    ));
    let said = fails_cleanly(&fx, &args, "still carry the label `service_instance_id`");
    assert!(said.contains("without:"), "{said}");

    // Aggregated by the wrong labels (`by: [service_name]`): no part to count them under.
    let wrong = victoria(false);
    wrong.import(&format!("wear_fleet_part_calls_total{{service_name=\"shop\"}} 426 {}", (now - 60) * 1000));
    args[2] = &wrong.url;
    fails_cleanly(&fx, &args, "a series without `code_function_name` and `wear_part_serial`");
}

/// A Prometheus whose storage holds [`a_day_of_samples`], written with `promtool tsdb
/// create-blocks-from openmetrics` (how samples with timestamps get into Prometheus).
struct Prometheus {
    child: Child,
    url: String,
    _data: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prometheus_with_a_day(serials: &BTreeMap<String, String>) -> Prometheus {
    let data = tempfile::tempdir().expect("tempdir");
    let (mut samples, _) = a_day_of_samples();
    // OpenMetrics wants each series' samples together, in time order.
    samples.sort_by_key(|(instance, part, _, t)| (*instance, *part, *t));
    let mut text: String = samples
        .iter()
        .map(|(instance, part, value, t)| {
            format!("{} {t}\n", line("wear_part_calls_total", part, serials, instance, *value))
        })
        .collect();
    text.push_str("# EOF\n");
    let input = data.path().join("day.om");
    std::fs::write(&input, text).expect("openmetrics");
    let tsdb = data.path().join("tsdb");
    let out = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&input)
        .arg(&tsdb)
        .output()
        .expect("promtool runs: run `bash .ci/backends`");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let child = Command::new("prometheus")
        .arg("--config.file=/dev/null")
        .arg(format!("--storage.tsdb.path={}", tsdb.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .args(["--storage.tsdb.retention.time=100y", "--log.level=error"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{url}/-/ready")).call().is_err() {
        assert!(Instant::now() < deadline, "prometheus did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Prometheus { child, url, _data: data }
}

#[test]
fn raw_periods_add_up_on_prometheus_too() {
    let (fx, serials) = workspace();
    let (_, truth) = a_day_of_samples();
    let prometheus = prometheus_with_a_day(&serials);
    for k in 1..=4 {
        let out = ingest(&fx, &prometheus.url, DAY + k * 6 * 3600, &["--window", "1d"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stderr(&out).contains("warning"), "no gap: {}", stderr(&out));
    }
    assert_eq!(ledger_calls(&fx), truth, "PromQL as Prometheus reads it: the same exact totals");
}
