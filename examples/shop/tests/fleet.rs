//! The fleet, end to end: three instances of the shop on loopback (the third restarted
//! midway) export their counts to a real metrics backend — pushed over OTLP/HTTP to
//! VictoriaMetrics, or scraped from their Prometheus endpoints by Prometheus — and
//! `cargo wear report --prometheus URL` then gives, for every part, the sum of what the
//! instances counted: the same due list as reading their snapshot files.
//!
//! The backends are real programs that `.ci/backends` installs (README's test command runs it).
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A server process killed when the test ends.
struct Server {
    child: Child,
    url: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn backend_binary(name: &str, default: PathBuf) -> PathBuf {
    let found = std::env::var_os(format!("WEAR_{}", name.to_uppercase().replace('-', "_")))
        .map(PathBuf::from)
        .unwrap_or(default);
    assert!(
        found.is_file(),
        "{name} is not installed at {}: run `bash .ci/backends` (README's test command does)",
        found.display()
    );
    found
}

/// GET over plain HTTP/1.0 on loopback; the body, when the answer is 200.
fn http_get(url: &str) -> Option<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200")
        .then(|| body.to_owned())
        .or_else(|| head.starts_with("HTTP/1.0 200").then(|| body.to_owned()))
}

fn wait_ready(url: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while http_get(url).is_none() {
        assert!(Instant::now() < deadline, "{what} did not become ready at {url}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn victoria_metrics() -> Server {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let default = home.join(".cache/wear/backends/victoria-metrics/usr/bin/victoria-metrics");
    let binary = backend_binary("victoria-metrics", default);
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
        .arg(format!("-storageDataPath={}", data.path().display()))
        .args(["-opentelemetry.usePrometheusNaming", "-search.latencyOffset=1s", "-loggerLevel=ERROR"])
        .stdout(Stdio::null())
        .spawn()
        .expect("victoria-metrics starts");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&format!("{url}/health"), "victoria-metrics");
    Server { child, url, _data: data }
}

fn prometheus(targets: &[u16]) -> Server {
    let binary = backend_binary("prometheus", PathBuf::from("/usr/bin/prometheus"));
    let data = tempfile::tempdir().expect("tempdir");
    let targets: Vec<String> = targets.iter().map(|p| format!("'127.0.0.1:{p}'")).collect();
    let config = data.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 500ms\n  scrape_timeout: 400ms\nscrape_configs:\n  - job_name: shop\n    \
             static_configs:\n      - targets: [{}]\n",
            targets.join(", ")
        ),
    )
    .expect("config");
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", data.path().join("tsdb").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--log.level=error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&format!("{url}/-/ready"), "prometheus");
    // Prometheus starts scraping new targets a few seconds after it is ready: wait until it
    // has tried every target once, so the instances' short lives are seen.
    let deadline = Instant::now() + Duration::from_secs(30);
    let scraping = format!("{url}/api/v1/query?query=count(up)");
    while !http_get(&scraping).is_some_and(|body| body.contains(&format!("\"{}\"]", targets.len()))) {
        assert!(Instant::now() < deadline, "prometheus never scraped its targets");
        std::thread::sleep(Duration::from_millis(200));
    }
    Server { child, url, _data: data }
}

/// Runs one shop instance to the end; `env` says how it exports.
fn run_shop(orders: u32, snapshot: &Path, env: &[(&str, String)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wear-example-shop"));
    command.arg(orders.to_string()).env("WEAR_SNAPSHOT", snapshot);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("the shop runs");
    assert!(out.status.success(), "shop failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

/// Three instances at once; the third is restarted once it has finished.
fn run_fleet(dir: &Path, env_of: &(dyn Fn(usize) -> Vec<(&'static str, String)> + Sync)) {
    std::thread::scope(|scope| {
        let a = scope.spawn(|| run_shop(3_000, &dir.join("a.json"), &env_of(0)));
        let b = scope.spawn(|| run_shop(5_000, &dir.join("b.json"), &env_of(1)));
        let c = scope.spawn(|| {
            run_shop(2_000, &dir.join("c1.json"), &env_of(2));
            run_shop(1_000, &dir.join("c2.json"), &env_of(2))
        });
        for handle in [a, b, c] {
            handle.join().expect("instance thread");
        }
    });
}

/// `cargo wear report --format json` with these usage arguments, as of a pinned instant.
fn report(usage: &[String], now: &str) -> Result<Value, wear_cli::Error> {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let output = out_dir.path().join("report.json");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let mut args: Vec<String> = ["cargo-wear", "report", "--no-ledger", "--format", "json", "--now", now]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.extend(["--manifest-path".to_owned(), manifest.display().to_string()]);
    args.extend(["--output".to_owned(), output.display().to_string()]);
    args.extend(usage.iter().cloned());
    let cli = <wear_cli::cli::Cli as clap::Parser>::parse_from(&args);
    wear_cli::commands::run(cli)?;
    Ok(serde_json::from_str(&std::fs::read_to_string(output).expect("report written")).expect("json"))
}

/// (part, status, calls since overhaul, calls since new) of the shop's parts.
fn shop_due_list(report: &Value) -> Vec<(String, String, Value, Value)> {
    let mut rows: Vec<_> = report["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter(|p| p["path"].as_str().is_some_and(|s| s.contains("wear_example_shop::")))
        .map(|p| {
            (
                p["path"].as_str().unwrap_or_default().to_owned(),
                p["status"].as_str().unwrap_or_default().to_owned(),
                p["calls_since_overhaul"].clone(),
                p["calls_since_new"].clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

fn snapshots_sum(dir: &Path, path: &str) -> u64 {
    ["a", "b", "c1", "c2"]
        .iter()
        .map(|name| {
            let snap: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("snapshot"),
            )
            .expect("json");
            snap["parts"]
                .as_array()
                .expect("parts")
                .iter()
                .find(|p| p["path"] == path)
                .map_or(0, |p| p["calls"].as_u64().unwrap_or(0))
        })
        .sum()
}

/// An instant a minute from now, so the query window covers everything just sent.
fn soon() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) + 60;
    wear_cli::time::format_instant(secs as i64)
}

/// Polls the backend through `cargo wear` until it reports the expected total for the
/// hottest part (samples become visible a moment after they arrive), then compares.
fn compare_with_snapshots(backend: &Server, dir: &Path) {
    let now = soon();
    let from_files =
        report(&["--usage".to_owned(), format!("{}/*.json", dir.display())], &now).expect("report");
    let expected = shop_due_list(&from_files);
    let hot = "wear_example_shop::cart::Cart::add_item";
    let want = snapshots_sum(dir, hot);
    assert!(want > 0);
    let fleet_args = ["--prometheus".to_owned(), backend.url.clone(), "--window".to_owned(), "1h".to_owned()];
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // Samples become visible to queries a moment after they arrive: until then the
        // backend has no series, or not all of them.
        let got = match report(&fleet_args, &now) {
            Ok(from_backend) => shop_due_list(&from_backend),
            Err(e) => {
                assert!(e.message.contains("no `wear_part_calls_total` series"), "{e}");
                Vec::new()
            }
        };
        let hot_calls = got.iter().find(|r| r.0 == hot).and_then(|r| r.2.as_u64()).unwrap_or(0);
        if got == expected {
            assert_eq!(hot_calls, want, "the fleet total is the sum of the instances");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the backend's due list never matched the snapshots' ({hot}: {hot_calls} of {want}):\n\
             backend: {got:#?}\nsnapshots: {expected:#?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn otlp_push_to_victoria_metrics_gives_the_fleet_totals() {
    let vm = victoria_metrics();
    let dir = tempfile::tempdir().expect("tempdir");
    let endpoint = vm.url.clone();
    run_fleet(dir.path(), &|_| {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", format!("{endpoint}/opentelemetry")),
            ("OTEL_METRIC_EXPORT_INTERVAL", "300".to_owned()),
            ("OTEL_SERVICE_NAME", "shop".to_owned()),
        ]
    });
    compare_with_snapshots(&vm, dir.path());
}

#[test]
fn prometheus_scrapes_give_the_fleet_totals() {
    let ports = [free_port(), free_port(), free_port()];
    let prom = prometheus(&ports);
    let dir = tempfile::tempdir().expect("tempdir");
    run_fleet(dir.path(), &|i| {
        vec![("WEAR_PROMETHEUS_ADDR", format!("127.0.0.1:{}", ports[i])), ("WEAR_LINGER", "2s".to_owned())]
    });
    compare_with_snapshots(&prom, dir.path());
}
