//! Scraping a real endpoint over loopback: every part of the program is a series, zero calls
//! included, with exact counts, its labels and the process's, values escaped; latency buckets
//! are cumulative and end with every timed call; `render()` gives the same text; and
//! `promtool` (Prometheus's own parser and linter) accepts it.
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

mod prometheus_support;
use prometheus_support::{Exposition, get, parse_exposition};

mod shop {
    #[wear::tracked]
    pub fn add_item(x: u64) -> u64 {
        x.wrapping_mul(3)
    }

    /// Never called: still a series, at zero.
    #[expect(dead_code, reason = "a part in storage, on purpose")]
    #[wear::tracked]
    pub fn never_called() {}

    #[wear::tracked(failures)]
    pub fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
        text.parse()
    }

    #[wear::tracked(timed)]
    pub fn quick(x: u64) -> u64 {
        x ^ 7
    }

    #[wear::tracked(timed)]
    pub fn slow() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Needs every label escape: a quote, a backslash and a line feed.
const SERVICE: &str = "scrape \"test\" C:\\wear\nsecond line";

/// Calls made below, once per process.
fn call_known_numbers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        wear::set_service(wear::Service::new(SERVICE, "9.8.7").with_revision(Some("0123abcd")));
        let mut acc = 0;
        for i in 0..1234 {
            acc += shop::add_item(i);
        }
        std::hint::black_box(acc);
        for text in ["1", "x", "2", "", "3"] {
            let _ = shop::parse(text);
        }
        for i in 0..10 {
            std::hint::black_box(shop::quick(i));
        }
        // From other threads too: their counts are in the totals.
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for i in 0..100 {
                        std::hint::black_box(shop::add_item(i));
                    }
                    shop::slow();
                });
            }
        });
        shop::slow();
    });
}

fn scrape() -> (String, Exposition) {
    call_known_numbers();
    let endpoint = wear::prometheus::serve("127.0.0.1:0").expect("serve on loopback");
    let response = get(endpoint.local_addr(), "/metrics");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.header("Content-Type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    assert_eq!(response.header("Connection"), Some("close"));
    let exposition = parse_exposition(&response.body);
    (response.body, exposition)
}

fn path(name: &str) -> String {
    format!("prometheus_scrape::shop::{name}")
}

#[test]
fn every_part_is_a_series_with_exact_counts_and_its_labels() {
    let (_, exposition) = scrape();
    let snapshot = wear::snapshot();
    let instance = snapshot.process.instance.as_str();

    // Every part linked in, exactly once, zero calls included, agreeing with the snapshot.
    let calls: Vec<_> = exposition.family("wear_part_calls_total").collect();
    assert_eq!(calls.len(), snapshot.parts.len());
    for part in &snapshot.parts {
        let sample = exposition.one("wear_part_calls_total", &[("code_function_name", &part.path)]);
        let line = part.lines[0].to_string();
        let expected = [
            ("code_function_name", part.path.as_str()),
            ("code_file_path", part.file.as_str()),
            ("code_line_number", line.as_str()),
            ("wear_part_serial", part.serial.as_str()),
            ("service_name", SERVICE),
            ("service_instance_id", instance),
        ];
        let labels: Vec<(&str, &str)> = sample.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(labels, expected);
        assert_eq!(sample.value, part.calls as f64, "{}", part.path);
    }
    let value =
        |family: &str, name: &str| exposition.one(family, &[("code_function_name", &path(name))]).value;
    assert_eq!(value("wear_part_calls_total", "add_item"), 1534.0);
    assert_eq!(value("wear_part_calls_total", "never_called"), 0.0);
    assert_eq!(value("wear_part_calls_total", "parse"), 5.0);
    assert_eq!(value("wear_part_calls_total", "quick"), 10.0);
    assert_eq!(value("wear_part_calls_total", "slow"), 4.0);

    // Failures only for the part that counts them.
    assert_eq!(exposition.family("wear_part_failures_total").count(), 1);
    assert_eq!(value("wear_part_failures_total", "parse"), 2.0);

    // Busy time for timed parts only: four sleeps of 20 ms at least.
    assert_eq!(exposition.family("wear_part_busy_time_seconds_total").count(), 2);
    let busy = value("wear_part_busy_time_seconds_total", "slow");
    assert!((0.08..60.0).contains(&busy), "busy time {busy}");

    for (family, kind) in [
        ("wear_part_calls_total", "counter"),
        ("wear_part_failures_total", "counter"),
        ("wear_part_busy_time_seconds_total", "counter"),
        ("wear_part_latency_bucket_total", "counter"),
        ("target_info", "gauge"),
    ] {
        assert_eq!(exposition.types.get(family).map(String::as_str), Some(kind), "# TYPE {family}");
        assert!(exposition.helps.get(family).is_some_and(|h| !h.is_empty()), "# HELP {family}");
    }
}

#[test]
fn latency_buckets_are_cumulative_and_end_with_every_timed_call() {
    let (_, exposition) = scrape();
    let bounds = [
        "1e-06", "2.5e-06", "5e-06", "1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001",
        "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf",
    ];
    // `slow` is timed at every call; `quick`'s calls are sampled (the thread's first weighs 1,
    // the later ones 0 or 8): its +Inf is 1 + 8k for k of its 9 later calls.
    let quick = exposition
        .family("wear_part_latency_bucket_total")
        .find(|s| s.labels.get("code_function_name") == Some(&path("quick")) && s.labels["le"] == "+Inf")
        .map(|s| s.value)
        .expect("quick's +Inf bucket");
    assert!(quick % 8.0 == 1.0 && quick <= 73.0, "quick: +Inf {quick}");
    for (name, timed_calls) in [("quick", quick), ("slow", 4.0)] {
        let function = path(name);
        let buckets: Vec<_> = exposition
            .family("wear_part_latency_bucket_total")
            .filter(|s| s.labels.get("code_function_name") == Some(&function))
            .collect();
        let les: Vec<&str> = buckets.iter().map(|s| s.labels["le"].as_str()).collect();
        assert_eq!(les, bounds, "{name}: one bucket per bound, in order, +Inf last");
        for pair in buckets.windows(2) {
            assert!(pair[0].value <= pair[1].value, "{name}: cumulative: {pair:?}");
        }
        assert_eq!(buckets.last().map(|s| s.value), Some(timed_calls), "{name}: +Inf counts every call");
        let le = |bound: &str| buckets.iter().find(|s| s.labels["le"] == bound).map(|s| s.value);
        assert_eq!(le("10"), Some(timed_calls), "{name}: no call took 10 s");
        if name == "slow" {
            assert_eq!(le("0.01"), Some(0.0), "a 20 ms sleep never ends within 10 ms");
        }
    }
    // Untimed parts have no buckets.
    let untimed = path("add_item");
    assert!(
        exposition
            .family("wear_part_latency_bucket_total")
            .all(|s| s.labels.get("code_function_name") != Some(&untimed))
    );
}

#[test]
fn the_process_is_named_on_every_series_and_in_target_info() {
    let (text, exposition) = scrape();
    let instance = wear::snapshot().process.instance;
    assert_eq!(instance.len(), 16);
    for sample in &exposition.samples {
        assert_eq!(sample.labels.get("service_name").map(String::as_str), Some(SERVICE), "{sample:?}");
        assert_eq!(sample.labels.get("service_instance_id"), Some(&instance), "{sample:?}");
    }
    let info = exposition.one("target_info", &[]);
    assert_eq!(info.value, 1.0);
    let labels: Vec<(&str, &str)> = info.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        labels,
        [
            ("service_instance_id", instance.as_str()),
            ("service_name", SERVICE),
            ("service_version", "9.8.7"),
            ("vcs_ref_head_revision", "0123abcd"),
        ]
    );
    // As written on the wire: the quote, backslash and line feed escaped.
    assert!(text.contains(r#"service_name="scrape \"test\" C:\\wear\nsecond line""#), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("second line")), "no raw line feed inside a value");
}

#[test]
fn render_gives_the_text_the_endpoint_serves() {
    let (served, served_samples) = scrape();
    let rendered = wear::prometheus::render();
    // Busy time converts clock ticks to seconds with a calibration that keeps refining, so it
    // may move in its last digits between two readings; every other line is the same.
    let counts = |text: &str| -> Vec<String> {
        text.lines().filter(|l| !l.starts_with("wear_part_busy_time")).map(str::to_owned).collect()
    };
    assert_eq!(counts(&rendered), counts(&served), "no call happens between the two readings");
    let rendered_samples = parse_exposition(&rendered);
    for (a, b) in rendered_samples
        .family("wear_part_busy_time_seconds_total")
        .zip(served_samples.family("wear_part_busy_time_seconds_total"))
    {
        assert_eq!(a.labels, b.labels);
        assert!((a.value - b.value).abs() <= 0.01 * b.value, "{a:?} vs {b:?}");
    }
    assert_eq!(wear::prometheus::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
}

/// `promtool check metrics`: Prometheus's own parser, then its linter. The one lint expected is
/// the contract's: latency is a counter with an `le` label (what OpenTelemetry exports,
/// having no asynchronous histogram), which the linter reserves for histograms.
#[test]
fn promtool_parses_the_exposition() {
    let (text, _) = scrape();
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run promtool ({e}): it validates the exposition; install it with \
             `apt-get install prometheus` (Debian) or put the Prometheus release's promtool on PATH"
        ),
    };
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write to promtool");
    let output = child.wait_with_output().expect("promtool runs");
    let said =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let mut lints: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
    lints.dedup();
    // Exit 1 is a parse error; 3 means lint problems only.
    match output.status.code() {
        Some(0) => assert!(lints.is_empty(), "{said}"),
        Some(3) => assert_eq!(
            lints,
            ["wear_part_latency_bucket_total non-histogram metrics should not have \"le\" label"],
            "only the expected lint"
        ),
        _ => panic!("promtool rejected the exposition ({}):\n{said}\n{text}", output.status),
    }
}

#[test]
fn head_answers_without_a_body() {
    call_known_numbers();
    let endpoint = wear::prometheus::serve("127.0.0.1:0").expect("serve");
    let addr = endpoint.local_addr();
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut raw).expect("read");
    let text = String::from_utf8(raw).expect("UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("head");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|l| l.parse().ok())
        .expect("Content-Length");
    // The length of what GET would send (busy times may differ in their last digits).
    let rendered = wear::prometheus::render().len();
    assert!(length.abs_diff(rendered) < 20, "HEAD says {length} bytes, GET sends {rendered}");
    assert_eq!(body, "");
}
