//! The HTTP side of the fleet query: one blocking GET of `/api/v1/query` per PromQL
//! expression, with a connect timeout and an overall timeout, a few retries with exponential
//! backoff and jitter on what may pass (no connection, a timeout, 5xx, 429), none on what will
//! not (other 4xx), and credentials from the environment that never appear in any message.
use std::fmt;
use std::time::Duration;

use base64::Engine;

use super::header::Header;
use crate::error::{Error, Result};

/// Variable holding a bearer token.
pub(crate) const TOKEN_VAR: &str = "WEAR_PROMETHEUS_TOKEN";
/// Variable holding the user name for basic auth.
pub(crate) const USER_VAR: &str = "WEAR_PROMETHEUS_USER";
/// Variable holding the password for basic auth.
pub(crate) const PASSWORD_VAR: &str = "WEAR_PROMETHEUS_PASSWORD";

/// Attempts per query, the first included.
pub(crate) const ATTEMPTS: u32 = 4;
/// The wait before the first retry; each later wait doubles (before jitter).
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between two attempts, also for a backend's `Retry-After`.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Connecting may take this long, within the overall timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest answer read: far above what 100,000 parts take (about 20 MB).
const MAX_BODY: u64 = 512 * 1024 * 1024;

/// How requests prove who sends them. `Debug` shows the kind, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic <base64(user:password)>`.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(<from WEAR_PROMETHEUS_TOKEN>)"),
            Auth::Basic { .. } => f.write_str("Basic(<from WEAR_PROMETHEUS_USER/PASSWORD>)"),
        }
    }
}

impl Auth {
    /// The credentials the environment names: `lookup` reads one variable (the process
    /// environment in the binary). A token and a user together are refused, as is a user
    /// without a password.
    pub(crate) fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Auth>> {
        let read = |name: &str| lookup(name).filter(|v| !v.is_empty());
        match (read(TOKEN_VAR), read(USER_VAR), read(PASSWORD_VAR)) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err(Error::new(format!("both {TOKEN_VAR} and {USER_VAR}/{PASSWORD_VAR} are set"))
                    .help("set either a bearer token or a user and password, not both"))
            }
            (Some(token), None, None) => Ok(Some(Auth::Bearer(token))),
            (None, Some(user), Some(password)) => Ok(Some(Auth::Basic { user, password })),
            (None, Some(_), None) => Err(Error::new(format!("{USER_VAR} is set but {PASSWORD_VAR} is not"))
                .help(format!("set {PASSWORD_VAR} too, or unset {USER_VAR}"))),
            (None, None, Some(_)) => Err(Error::new(format!("{PASSWORD_VAR} is set but {USER_VAR} is not"))
                .help(format!("set {USER_VAR} too, or unset {PASSWORD_VAR}"))),
            (None, None, None) => Ok(None),
        }
    }

    /// The strings that must never be shown: the token, or the password and the encoded pair.
    fn secrets(&self) -> Vec<String> {
        match self {
            Auth::Bearer(token) => vec![token.clone()],
            Auth::Basic { password, .. } => vec![self.header(), password.clone()],
        }
    }

    fn header(&self) -> String {
        match self {
            Auth::Bearer(token) => format!("Bearer {token}"),
            Auth::Basic { user, password } => {
                let pair = format!("{user}:{password}");
                format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
            }
        }
    }
}

/// A Prometheus-compatible query API.
pub(crate) struct Backend {
    /// The URL as the user gave it, less a trailing `/` or `/api/v1/query`: what messages
    /// and usage records name. It never holds credentials.
    pub(crate) url: String,
    endpoint: String,
    auth: Option<Auth>,
    headers: Vec<Header>,
    timeout: Duration,
    agent: ureq::Agent,
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backend")
            .field("url", &self.url)
            .field("auth", &self.auth)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// What one attempt came to.
enum Attempt {
    Answer(String),
    /// Worth another try: why, and how long the backend asked us to wait, if it did.
    Transient(String, Option<Duration>),
    Final(Error),
}

impl Backend {
    /// Checks `url` (`http://host:9090`, or with a path prefix such as
    /// `https://host/prometheus`) and prepares a client with `timeout` for each attempt, sending
    /// `headers` with every query.
    pub(crate) fn new(
        url: &str,
        auth: Option<Auth>,
        headers: Vec<Header>,
        timeout: Duration,
    ) -> Result<Backend> {
        let trimmed = url.trim().trim_end_matches('/');
        let trimmed = trimmed.strip_suffix("/api/v1/query").unwrap_or(trimmed).trim_end_matches('/');
        let bad = |why: &str| {
            Error::new(format!("--prometheus: {why}"))
                .help("give the backend's base URL, e.g. http://prometheus:9090 or https://host/prometheus")
        };
        let Some((scheme, rest)) = trimmed.split_once("://") else {
            return Err(bad("the URL has no scheme (http:// or https://)"));
        };
        if scheme != "http" && scheme != "https" {
            return Err(bad(&format!("`{scheme}://` is not supported, only http:// and https://")));
        }
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            // Never echo the URL here: it holds a password.
            return Err(Error::new("--prometheus: the URL holds credentials (`user:password@`)").help(
                format!("remove them from the URL and set {USER_VAR} and {PASSWORD_VAR} (or {TOKEN_VAR})"),
            ));
        }
        if authority.is_empty() {
            return Err(bad("the URL has no host"));
        }
        if trimmed.contains(['?', '#']) {
            return Err(bad("the URL must not have a query (`?`) or fragment (`#`)"));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("cargo-wear/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Backend {
            url: trimmed.to_owned(),
            endpoint: format!("{trimmed}/api/v1/query"),
            auth,
            headers,
            timeout,
            agent,
        })
    }

    /// What names this fleet in the ledger: the URL, and the extra headers when there are
    /// some, since two tenants of one backend are two fleets.
    pub(crate) fn identity(&self) -> String {
        if self.headers.is_empty() {
            return self.url.clone();
        }
        let headers: Vec<String> = self.headers.iter().map(Header::to_string).collect();
        format!("{} [{}]", self.url, headers.join(", "))
    }

    /// `text` from the backend (an error answer, a warning, a redirect target) with every
    /// credential this client sends replaced by `<redacted>`: a backend or a proxy in front of it
    /// may echo the request's headers back.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in self.auth.iter().flat_map(Auth::secrets) {
            if !secret.is_empty() {
                text = text.replace(&secret, "<redacted>");
            }
        }
        text
    }

    /// [`redact`](Self::redact) applied to an error's message and help.
    pub(crate) fn redact_error(&self, mut error: Error) -> Error {
        error.message = self.redact(&error.message);
        error.help = error.help.map(|help| self.redact(&help));
        error
    }

    /// Runs an instant query at `time` (seconds since the epoch) and returns the answer's body,
    /// retrying transient failures up to [`ATTEMPTS`] times in all. `on_retry` hears of each
    /// retry (what failed, the wait, the attempt about to be made).
    pub(crate) fn query(
        &self,
        promql: &str,
        time: i64,
        mut on_retry: impl FnMut(&str, Duration, u32),
    ) -> Result<String> {
        let mut attempt = 1;
        loop {
            match self.attempt(promql, time) {
                Attempt::Answer(body) => return Ok(body),
                Attempt::Final(error) => return Err(error),
                Attempt::Transient(why, asked) => {
                    if attempt >= ATTEMPTS {
                        return Err(Error::new(format!(
                            "the Prometheus API at {} failed {ATTEMPTS} times: {why}",
                            self.url
                        ))
                        .help(self.unreachable_help()));
                    }
                    let wait = asked.unwrap_or_else(|| backoff(attempt)).min(MAX_BACKOFF);
                    attempt += 1;
                    on_retry(&why, wait, attempt);
                    std::thread::sleep(wait);
                }
            }
        }
    }

    fn unreachable_help(&self) -> String {
        format!(
            "check that the URL is right and the backend is up (try `curl {}/api/v1/status/buildinfo`); \
             a slow backend may need a longer --prometheus-timeout (now {} s) or a shorter --window",
            self.url,
            self.timeout.as_secs_f64()
        )
    }

    fn attempt(&self, promql: &str, time: i64) -> Attempt {
        let mut request =
            self.agent.get(&self.endpoint).query("query", promql).query("time", time.to_string());
        request = request.header("Accept", "application/json");
        for header in &self.headers {
            request = request.header(&header.name, &header.value);
        }
        if let Some(auth) = &self.auth {
            request = request.header("Authorization", auth.header());
        }
        let mut response = match request.call() {
            Ok(response) => response,
            Err(e) => return Attempt::Transient(describe(&e, self.timeout), None),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let location =
            response.headers().get("location").and_then(|v| v.to_str().ok()).map(|l| self.redact(l));
        // A body above the limit is refused, not retried: the backend would send it again.
        let too_big = |size: String| {
            Attempt::Final(
                Error::new(format!(
                    "the Prometheus API at {} answered with {size}; cargo-wear reads at most {} MiB",
                    self.url,
                    MAX_BODY >> 20
                ))
                .help("check that --prometheus names a Prometheus-compatible query API (the base URL)"),
            )
        };
        let declared = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(length) = declared.filter(|&length| length > MAX_BODY) {
            return too_big(format!("a body of {} MiB", length >> 20));
        }
        let body = response.body_mut().with_config().limit(MAX_BODY).read_to_string();
        let body = match body {
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                return too_big("a body that goes on past that".to_owned());
            }
            Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Attempt::Final(
                    Error::new(format!(
                        "the Prometheus API at {} answered with a body that is not UTF-8 text",
                        self.url
                    ))
                    .help("check that --prometheus names a Prometheus-compatible query API (the base URL)"),
                );
            }
            Ok(body) => body,
            Err(e) if status == 200 => return Attempt::Transient(describe(&e, self.timeout), None),
            Err(_) => String::new(),
        };
        // Redacted before it is cut short, so no part of a secret is left at the cut.
        let detail = match status {
            200 => String::new(),
            _ => api_error(&self.redact(&body)).map(|e| format!(": {e}")).unwrap_or_default(),
        };
        match status {
            200 => Attempt::Answer(body),
            429 => Attempt::Transient(format!("it answered 429 Too Many Requests{detail}"), retry_after),
            500..=599 => Attempt::Transient(format!("it answered HTTP {status}{detail}"), retry_after),
            300..=399 => Attempt::Final(
                Error::new(format!(
                    "the Prometheus API at {} answered with a redirect (HTTP {status}) to {}",
                    self.url,
                    location.as_deref().unwrap_or("nowhere")
                ))
                .help("give the URL it redirects to with --prometheus (credentials are not sent on)"),
            ),
            401 | 403 => Attempt::Final(
                Error::new(format!(
                    "the Prometheus API at {} refused the query (HTTP {status}){detail}",
                    self.url
                ))
                .help(match &self.auth {
                    None => {
                        format!("it wants credentials: set {TOKEN_VAR}, or {USER_VAR} and {PASSWORD_VAR}")
                    }
                    Some(_) => format!("check the credentials in {TOKEN_VAR} or {USER_VAR}/{PASSWORD_VAR}"),
                }),
            ),
            400 | 422 => Attempt::Final(
                Error::new(format!(
                    "the Prometheus API at {} rejected the query (HTTP {status}){detail}",
                    self.url
                ))
                .help(
                    "if it loads too many samples, give a shorter --window or raise the backend's limit \
                         (Prometheus --query.max-samples, VictoriaMetrics -search.maxSamplesPerQuery); \
                         check that the URL is a Prometheus-compatible API",
                ),
            ),
            _ => Attempt::Final(
                Error::new(format!("the Prometheus API at {} answered HTTP {status}{detail}", self.url))
                    .help("check that --prometheus names a Prometheus-compatible query API (the base URL)"),
            ),
        }
    }
}

/// The wait before retry `n` (1 for the first): it doubles each time, and a random part of
/// its upper half ("equal jitter") spreads clients out while each wait stays at least as long
/// as the one before.
pub(crate) fn backoff(n: u32) -> Duration {
    let full = FIRST_BACKOFF.saturating_mul(1 << n.saturating_sub(1).min(16)).min(MAX_BACKOFF);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

/// The `error` of a Prometheus API error answer (`{"status":"error","error":"..."}`), cut short.
fn api_error(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let text = value.get("error")?.as_str()?;
    Some(shorten(text))
}

/// At most 300 characters of a backend's text, on one line.
pub(crate) fn shorten(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// What went wrong on the wire, in words (ureq's errors never hold the URL or headers).
fn describe(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f64()),
        ureq::Error::ConnectionFailed => "cannot connect".to_owned(),
        ureq::Error::HostNotFound => "the host name is unknown".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        ureq::Error::Io(io) => format!("connection failed: {io}"),
        other => format!("the exchange failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn credentials_come_from_the_environment_and_never_show() {
        let auth = Auth::from_env(env(&[(TOKEN_VAR, "s3cr3t-token")])).unwrap().unwrap();
        assert_eq!(auth.header(), "Bearer s3cr3t-token");
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        let basic = Auth::from_env(env(&[(USER_VAR, "ops"), (PASSWORD_VAR, "hunter2")])).unwrap().unwrap();
        assert_eq!(basic.header(), "Basic b3BzOmh1bnRlcjI=");
        assert!(!format!("{basic:?}").contains("hunter2"));
        let backend =
            Backend::new("http://h:9090/", Some(basic.clone()), Vec::new(), Duration::from_secs(1)).unwrap();
        assert!(!format!("{backend:?}").contains("hunter2"));
        let echoed = format!("you sent {} and user ops", basic.header());
        assert_eq!(backend.redact(&echoed), "you sent <redacted> and user ops");
        assert_eq!(backend.redact("hunter2 again"), "<redacted> again");
        assert_eq!(Auth::from_env(env(&[])).unwrap(), None);
        for bad in
            [&[(TOKEN_VAR, "t"), (USER_VAR, "u")][..], &[(USER_VAR, "u")][..], &[(PASSWORD_VAR, "p")][..]]
        {
            let err = Auth::from_env(env(bad)).unwrap_err().to_string();
            assert!(!err.contains("=t") && err.contains("WEAR_PROMETHEUS_"), "{err}");
        }
    }

    #[test]
    fn urls_are_checked_and_never_echo_a_password() {
        let b = Backend::new("http://h:9090/api/v1/query", None, Vec::new(), Duration::from_secs(1)).unwrap();
        assert_eq!((b.url.as_str(), b.endpoint.as_str()), ("http://h:9090", "http://h:9090/api/v1/query"));
        let b = Backend::new("https://h/prometheus/", None, Vec::new(), Duration::from_secs(1)).unwrap();
        assert_eq!(b.endpoint, "https://h/prometheus/api/v1/query");
        let err =
            Backend::new("http://ops:hunter2@h:9090", None, Vec::new(), Duration::from_secs(1)).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        for bad in ["h:9090", "ftp://h", "http://", "http://h/?x=1"] {
            assert!(Backend::new(bad, None, Vec::new(), Duration::from_secs(1)).is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter() {
        for _ in 0..100 {
            let (a, b, c) = (backoff(1), backoff(2), backoff(3));
            assert!(a >= Duration::from_millis(125) && a <= Duration::from_millis(250), "{a:?}");
            assert!(a <= b && b <= c, "{a:?} {b:?} {c:?}");
            assert!(c >= Duration::from_millis(500) && c <= Duration::from_millis(1000), "{c:?}");
        }
        assert!(backoff(40) <= MAX_BACKOFF);
    }
}
