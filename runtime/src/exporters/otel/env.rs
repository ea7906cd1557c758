//! The standard `OTEL_*` variables [`install`](super::install) reads, so that a bad value is a
//! warning and a default, never a failure: the endpoint, headers, compression, the export
//! timeout, the export interval and the TLS files. Headers and compression are read as
//! opentelemetry-otlp reads them (entries it would skip are skipped, and said); resource
//! attributes are read by the SDK's resource detector, which skips what it cannot parse in
//! silence, so wear checks them too, only to warn.
use std::path::PathBuf;
use std::time::Duration;

/// Where OTLP/HTTP metrics go when no variable says otherwise.
pub(crate) const DEFAULT_ENDPOINT: &str = "http://localhost:4318/v1/metrics";
/// The specification's default export timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The specification's default export interval.
pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// What the variables say, after defaults.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Settings {
    /// The full URL metrics are POSTed to.
    pub(crate) endpoint: String,
    /// How long one export may take.
    pub(crate) timeout: Duration,
    /// Time between exports.
    pub(crate) interval: Duration,
    /// `OTEL_SERVICE_NAME`, when set.
    pub(crate) service_name: Option<String>,
    /// PEM certificates to trust besides the system's, for an `https://` endpoint.
    pub(crate) certificate: Option<PathBuf>,
    /// PEM certificate chain and private key the client presents (mutual TLS).
    pub(crate) client_certificate: Option<PathBuf>,
    /// The private key of `client_certificate`.
    pub(crate) client_key: Option<PathBuf>,
    /// Headers sent with every export (`OTEL_EXPORTER_OTLP_[METRICS_]HEADERS`).
    pub(crate) headers: Headers,
    /// Whether exports are gzip-compressed (`OTEL_EXPORTER_OTLP_[METRICS_]COMPRESSION`).
    pub(crate) gzip: bool,
}

/// Header names and values, decoded; its `Debug` shows the names only (values hold
/// credentials).
#[derive(Clone, Default, PartialEq)]
pub(crate) struct Headers(pub(crate) Vec<(String, String)>);

impl std::fmt::Debug for Headers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(name, _)| name)).finish()
    }
}

/// Reads the settings through `get` (the process environment in [`install`](super::install);
/// a map in tests), with one warning per value it ignored.
pub(crate) fn settings(raw: impl Fn(&str) -> Option<String>) -> (Settings, Vec<String>) {
    let get = |name: &str| raw(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut warnings = read_by_the_sdk(&raw);

    let mut endpoint = None;
    if let Some(url) = get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") {
        match check_url(&url) {
            Ok(()) => endpoint = Some(url),
            Err(why) => {
                warnings.push(ignored("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", &scrub(&url, &url), &why))
            }
        }
    }
    if endpoint.is_none()
        && let Some(base) = get("OTEL_EXPORTER_OTLP_ENDPOINT")
    {
        match check_url(&base) {
            Ok(()) => endpoint = Some(format!("{}/v1/metrics", base.trim_end_matches('/'))),
            Err(why) => warnings.push(ignored("OTEL_EXPORTER_OTLP_ENDPOINT", &scrub(&base, &base), &why)),
        }
    }
    let endpoint = endpoint.unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());

    let mut timeout = None;
    for name in ["OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"] {
        if let Some(value) = get(name) {
            match millis(&value) {
                Ok(t) => {
                    timeout = Some(t);
                    break;
                }
                Err(why) => warnings.push(ignored(name, &value, &why)),
            }
        }
    }

    let interval = get("OTEL_METRIC_EXPORT_INTERVAL").and_then(|value| match millis(&value) {
        Ok(t) => Some(t),
        Err(why) => {
            warnings.push(ignored("OTEL_METRIC_EXPORT_INTERVAL", &value, &why));
            None
        }
    });

    let settings = Settings {
        endpoint,
        timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
        interval: interval.unwrap_or(DEFAULT_INTERVAL),
        service_name: get("OTEL_SERVICE_NAME"),
        certificate: signal_or_generic(&get, "CERTIFICATE").map(PathBuf::from),
        client_certificate: signal_or_generic(&get, "CLIENT_CERTIFICATE").map(PathBuf::from),
        client_key: signal_or_generic(&get, "CLIENT_KEY").map(PathBuf::from),
        headers: headers(&raw),
        gzip: gzip(&raw),
    };
    (settings, warnings)
}

/// Warnings for the variables the OpenTelemetry SDK reads itself and, when they are wrong,
/// ignores in silence (wholly or entry by entry). Header values are never quoted: they hold
/// credentials.
fn read_by_the_sdk(raw: &impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut warnings = Vec::new();
    for name in ["OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"] {
        if let Some(value) = raw(name) {
            let bad = bad_pairs(&value);
            if bad > 0 {
                warnings.push(format!(
                    "ignoring {bad} entr{} of {name} (not shown: headers may hold credentials): \
                     write name=value pairs separated by commas",
                    if bad == 1 { "y" } else { "ies" }
                ));
            }
        }
    }
    for name in ["OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"] {
        if let Some(value) = raw(name).map(|v| v.trim().to_owned())
            && !["", "gzip", "none"].iter().any(|known| value.eq_ignore_ascii_case(known))
        {
            warnings.push(ignored(
                name,
                &value,
                "expected `gzip` or `none`; the exporter goes on as if it were unset",
            ));
        }
    }
    if raw("OTEL_SERVICE_NAME").is_some_and(|v| !v.is_empty() && v.trim().is_empty()) {
        warnings.push(
            "ignoring OTEL_SERVICE_NAME: it is blank; the service name comes from \
             OTEL_RESOURCE_ATTRIBUTES or wear::set_service"
                .to_owned(),
        );
    }
    if let Some(value) = raw("OTEL_RESOURCE_ATTRIBUTES") {
        let bad = bad_pairs(&value);
        if bad > 0 {
            warnings.push(format!(
                "ignoring {bad} entr{} of OTEL_RESOURCE_ATTRIBUTES: write key=value pairs separated \
                 by commas, with %XX for other bytes",
                if bad == 1 { "y" } else { "ies" }
            ));
        }
    }
    warnings
}

/// The headers of `OTEL_EXPORTER_OTLP_METRICS_HEADERS` if it is set (even empty), else of
/// `OTEL_EXPORTER_OTLP_HEADERS`, as opentelemetry-otlp 0.33 reads them: comma-separated
/// `name=value` entries, both trimmed, the value `%XX`-decoded (kept as written when it does
/// not decode), entries with an empty name or value skipped.
fn headers(raw: &impl Fn(&str) -> Option<String>) -> Headers {
    let Some(value) = raw("OTEL_EXPORTER_OTLP_METRICS_HEADERS").or_else(|| raw("OTEL_EXPORTER_OTLP_HEADERS"))
    else {
        return Headers::default();
    };
    let pairs = value
        .split_terminator(',')
        .filter_map(|entry| entry.trim().split_once('='))
        .map(|(name, value)| {
            let value = value.trim();
            (name.trim().to_owned(), percent_decode(value).unwrap_or_else(|| value.to_owned()))
        })
        .filter(|(name, value)| !name.is_empty() && !value.is_empty())
        .collect();
    Headers(pairs)
}

/// `text` with every `%XX` replaced by its byte; `None` if an escape is malformed or the
/// result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether exports are gzip-compressed, as opentelemetry-otlp 0.33 decides: the first of
/// `OTEL_EXPORTER_OTLP_METRICS_COMPRESSION` and `OTEL_EXPORTER_OTLP_COMPRESSION` that says
/// `none` or `gzip` (in any case) wins; other values are skipped (and warned of).
fn gzip(raw: &impl Fn(&str) -> Option<String>) -> bool {
    for name in ["OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"] {
        match raw(name).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("gzip") => return true,
            Some("none") => return false,
            _ => {}
        }
    }
    false
}

/// How many comma-separated entries of `value` are not `key=value` with a non-empty key and
/// valid `%XX` escapes (the W3C baggage form both variables use).
fn bad_pairs(value: &str) -> usize {
    let valid_escapes = |text: &str| {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = |b: Option<&u8>| b.is_some_and(u8::is_ascii_hexdigit);
                if !(hex(bytes.get(i + 1)) && hex(bytes.get(i + 2))) {
                    return false;
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        true
    };
    value
        .split(',')
        .filter(|entry| !entry.trim().is_empty())
        .filter(|entry| match entry.split_once('=') {
            Some((key, value)) => key.trim().is_empty() || !valid_escapes(key) || !valid_escapes(value),
            None => true,
        })
        .count()
}

/// `OTEL_EXPORTER_OTLP_METRICS_<SUFFIX>`, else `OTEL_EXPORTER_OTLP_<SUFFIX>`.
fn signal_or_generic(get: &impl Fn(&str) -> Option<String>, suffix: &str) -> Option<String> {
    get(&format!("OTEL_EXPORTER_OTLP_METRICS_{suffix}"))
        .or_else(|| get(&format!("OTEL_EXPORTER_OTLP_{suffix}")))
}

fn ignored(name: &str, value: &str, why: &str) -> String {
    format!("ignoring {name}={value:?}: {why}")
}

/// The user information of an `http(s)://user:password@host` URL (everything between `://`
/// and the last `@` before the path), if there is any.
fn userinfo(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let authority = rest.split(['?', '#']).next().unwrap_or("");
    let at = authority.rfind('@')?;
    Some(&rest[..at]).filter(|info| !info.is_empty())
}

/// `text` with the user information of `url` (a password, a token) replaced by `***`, for a
/// message that quotes the URL or an error about it.
pub(crate) fn scrub(text: &str, url: &str) -> String {
    match userinfo(url) {
        Some(info) => text.replace(info, "***"),
        None => text.to_owned(),
    }
}

/// A positive whole number of milliseconds.
fn millis(value: &str) -> Result<Duration, String> {
    match value.parse::<u64>() {
        Ok(0) => Err("must be more than 0 milliseconds; using the default".to_owned()),
        Ok(ms) => Ok(Duration::from_millis(ms)),
        Err(_) => Err("not a whole number of milliseconds; using the default".to_owned()),
    }
}

/// An `http://` or `https://` URL with a host, an optional numeric port, and no spaces.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or("not an http:// or https:// URL; using the default endpoint")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or control characters; using the default endpoint".to_owned());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.rsplit_once(':') {
        // An IPv6 literal without a port, e.g. `[::1]`.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return Err("has no host; using the default endpoint".to_owned());
    }
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        // The port is not quoted: in a URL such as `http://user:pass/word@host` it is part of
        // the password.
        return Err("the port is not a number from 0 to 65535; using the default endpoint".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> (Settings, Vec<String>) {
        settings(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let (s, warnings) = read(&[]);
        assert_eq!(s.endpoint, DEFAULT_ENDPOINT);
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        assert_eq!(s.interval, DEFAULT_INTERVAL);
        assert_eq!(s.service_name, None);
        assert!(warnings.is_empty());
    }

    #[test]
    fn the_base_endpoint_gets_the_metrics_path_and_the_metrics_endpoint_is_used_as_is() {
        let (s, _) = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/")]);
        assert_eq!(s.endpoint, "http://127.0.0.1:4318/v1/metrics");
        let (s, _) = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:1"),
            ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://b/custom"),
        ]);
        assert_eq!(s.endpoint, "https://b/custom");
        let (s, _) = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://[::1]:4318")]);
        assert_eq!(s.endpoint, "http://[::1]:4318/v1/metrics");
    }

    #[test]
    fn bad_endpoints_warn_and_fall_back() {
        for bad in ["localhost:4318", "ftp://x", "http://", "http://:80", "http://a b", "http://h:99999"] {
            let (s, warnings) = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", bad)]);
            assert_eq!(s.endpoint, DEFAULT_ENDPOINT, "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}");
            assert!(warnings[0].contains("OTEL_EXPORTER_OTLP_ENDPOINT"), "{}", warnings[0]);
        }
        // A bad metrics endpoint falls back to a good base endpoint.
        let (s, warnings) = read(&[
            ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "nope"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
        ]);
        assert_eq!(s.endpoint, "http://collector:4318/v1/metrics");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn warnings_never_quote_a_password() {
        for bad in
            ["http://ops:s3cr3t@h:99999", "http://ops:s3/cr3t@h", "http://ops:s3cr3t@h b", "http://:s3cr3t@"]
        {
            let (s, warnings) = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", bad)]);
            assert_eq!(s.endpoint, DEFAULT_ENDPOINT, "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}");
            assert!(!warnings[0].contains("s3"), "{}", warnings[0]);
            assert!(warnings[0].contains("***"), "{}", warnings[0]);
        }
        assert_eq!(scrub("cannot use 'http://u:p@h/x'", "http://u:p@h/x"), "cannot use 'http://***@h/x'");
        assert_eq!(scrub("http://h/a@b?c@d", "http://h/a@b?c@d"), "http://***@b?c@d");
        assert_eq!(scrub("http://h:1", "http://h:1"), "http://h:1");
    }

    #[test]
    fn durations_are_milliseconds_and_bad_ones_warn() {
        let (s, warnings) = read(&[
            ("OTEL_METRIC_EXPORT_INTERVAL", "250"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1500"),
            ("OTEL_SERVICE_NAME", " shop "),
        ]);
        assert_eq!(s.interval, Duration::from_millis(250));
        assert_eq!(s.timeout, Duration::from_millis(1500));
        assert_eq!(s.service_name.as_deref(), Some("shop"));
        assert!(warnings.is_empty());
        let (s, warnings) = read(&[
            ("OTEL_METRIC_EXPORT_INTERVAL", "5s"),
            ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "0"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "-3"),
        ]);
        assert_eq!(s.interval, DEFAULT_INTERVAL);
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[2].contains("OTEL_METRIC_EXPORT_INTERVAL=\"5s\""), "{warnings:?}");
    }

    #[test]
    fn what_the_sdk_would_ignore_in_silence_is_a_warning_that_quotes_no_header() {
        let (_, warnings) = read(&[
            ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer s3cret,no-equals-s3cret,=x"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd-ultra"),
            ("OTEL_SERVICE_NAME", "   "),
            ("OTEL_RESOURCE_ATTRIBUTES", "team=a,garbage,,=x,%zz=1"),
        ]);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].starts_with("ignoring 2 entries of OTEL_EXPORTER_OTLP_HEADERS"), "{warnings:?}");
        assert!(warnings.iter().all(|w| !w.contains("s3cret")), "{warnings:?}");
        assert!(warnings[1].contains("zstd-ultra"), "{warnings:?}");
        assert!(warnings[2].contains("OTEL_SERVICE_NAME: it is blank"), "{warnings:?}");
        assert!(warnings[3].starts_with("ignoring 3 entries of OTEL_RESOURCE_ATTRIBUTES"), "{warnings:?}");
        let (_, fine) = read(&[
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-scope-orgid=a, api-key=%20b"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"),
            ("OTEL_RESOURCE_ATTRIBUTES", "service.name=shop,deployment.environment=prod"),
        ]);
        assert!(fine.is_empty(), "{fine:?}");
    }

    #[test]
    fn headers_are_decoded_as_opentelemetry_otlp_decodes_them() {
        let (s, _) = read(&[(
            "OTEL_EXPORTER_OTLP_HEADERS",
            " authorization = Bearer%20t0ken ,x-scope-orgid=a=b,bad%zz=%zz,=x,empty=,nothing,",
        )]);
        let expected = [("authorization", "Bearer t0ken"), ("x-scope-orgid", "a=b"), ("bad%zz", "%zz")];
        let pairs: Vec<(&str, &str)> = s.headers.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, expected);
        assert!(!format!("{:?}", s.headers).contains("t0ken"), "Debug shows no value: {:?}", s.headers);
        // The metrics variable wins when it is set, even empty.
        let (s, _) =
            read(&[("OTEL_EXPORTER_OTLP_HEADERS", "a=1"), ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "b=2")]);
        assert_eq!(s.headers.0, [("b".to_owned(), "2".to_owned())]);
        let (s, _) =
            read(&[("OTEL_EXPORTER_OTLP_HEADERS", "a=1"), ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "")]);
        assert!(s.headers.0.is_empty());
    }

    #[test]
    fn gzip_is_the_first_variable_that_says_gzip_or_none() {
        let gzip = |vars: &[(&str, &str)]| read(vars).0.gzip;
        assert!(!gzip(&[]));
        assert!(gzip(&[("OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP")]));
        assert!(!gzip(&[("OTEL_EXPORTER_OTLP_COMPRESSION", "none")]));
        assert!(!gzip(&[
            ("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "none"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
        ]));
        // An unknown value is skipped (and warned of): the generic variable decides.
        assert!(gzip(&[
            ("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "zstd"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
        ]));
    }
}
