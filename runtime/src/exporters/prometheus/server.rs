//! The scrape endpoint: one thread, one connection at a time, answering `GET /metrics` with
//! [`render`](super::render)'s text. Every wait is bounded so that a slow, silent or hostile
//! client delays the next scrape by a few seconds at most, and dropping the [`Endpoint`] stops
//! the thread within a fraction of a second.
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::text::CONTENT_TYPE;

/// The path metrics are served at.
pub const PATH: &str = "/metrics";
/// Longest request head (request line and headers) read; longer requests get `431` or `414`.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// Time a client has to send its request head once connected.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// Time a client has to read the whole response.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the idle thread looks for a new connection or a stop.
const POLL: Duration = Duration::from_millis(50);
/// Longest single blocking read or write, so a stop is seen within this.
const TICK: Duration = Duration::from_millis(100);
/// What is read and discarded after answering, so the client sees the answer rather than a
/// reset when it sent more than was read.
const DRAIN_BYTES: usize = 1 << 20;
const DRAIN_TIME: Duration = Duration::from_millis(500);

/// A running scrape endpoint. Serves until dropped; dropping it stops the thread and closes
/// the socket within a fraction of a second.
#[derive(Debug)]
#[must_use = "the endpoint stops serving when dropped: keep it alive as long as the program runs"]
pub struct Endpoint {
    local_addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// The address the endpoint listens on (with the port the system chose for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        // Release: nothing to publish beyond the flag itself; paired with the thread's Acquire.
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            // The thread checks the flag at least every `POLL` or `TICK`, so this returns
            // quickly. A panic there was already caught per connection; ignore any other.
            let _ = thread.join();
        }
    }
}

/// Serves the counts in the Prometheus text format at `http://{addr}/metrics` from a thread
/// of its own, until the returned [`Endpoint`] is dropped.
///
/// `addr` is any [`ToSocketAddrs`], e.g. `"0.0.0.0:9464"`, or `"127.0.0.1:0"` for a free port
/// (see [`Endpoint::local_addr`]). Errors are those of binding the socket or starting the
/// thread; after that nothing reaches the program: failed connections are dropped and the
/// next one is served.
///
/// ```no_run
/// let _metrics = wear::prometheus::serve("0.0.0.0:9464")?;
/// // ... the program ...
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn serve(addr: impl ToSocketAddrs) -> io::Result<Endpoint> {
    let listener = TcpListener::bind(addr)?;
    // Non-blocking accept: the thread polls so that it can see a stop without a connection.
    listener.set_nonblocking(true)?;
    let local_addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let thread = std::thread::Builder::new().name("wear-prometheus".to_owned()).spawn({
        let stop = Arc::clone(&stop);
        move || run(&listener, &stop)
    })?;
    Ok(Endpoint { local_addr, stop, thread: Some(thread) })
}

fn run(listener: &TcpListener, stop: &AtomicBool) {
    while !stop.load(Ordering::Acquire) {
        match listener.accept() {
            Ok((stream, _)) => {
                // Nothing in answering should panic; if it does, this connection is lost and
                // the endpoint keeps serving.
                let _ = catch_unwind(AssertUnwindSafe(|| answer(stream, stop)));
            }
            // `WouldBlock` (no connection yet), and errors such as running out of file
            // descriptors: wait rather than spin.
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// Why no answer is sent.
enum Unanswered {
    /// The client closed, stalled past its time, or the endpoint is stopping.
    Gone,
    /// The request head exceeds [`MAX_REQUEST_BYTES`].
    TooLong { line_complete: bool },
}

fn answer(mut stream: TcpStream, stop: &AtomicBool) {
    // Accepted sockets inherit non-blocking mode on some systems.
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    let _ = stream.set_nodelay(true);
    let response = match read_head(&mut stream, Instant::now() + REQUEST_TIMEOUT, stop) {
        Ok(head) => respond(&head),
        Err(Unanswered::TooLong { line_complete: false }) => {
            plain(414, "URI Too Long", &format!("request line longer than {MAX_REQUEST_BYTES} bytes\n"))
        }
        Err(Unanswered::TooLong { line_complete: true }) => plain(
            431,
            "Request Header Fields Too Large",
            &format!("request head longer than {MAX_REQUEST_BYTES} bytes\n"),
        ),
        Err(Unanswered::Gone) => return,
    };
    if write_by(&mut stream, &response, Instant::now() + RESPONSE_TIMEOUT, stop).is_ok() {
        close_gracefully(&mut stream, stop);
    }
}

/// Reads until the blank line that ends the request head.
fn read_head(stream: &mut TcpStream, deadline: Instant, stop: &AtomicBool) -> Result<Vec<u8>, Unanswered> {
    let mut head = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = head_end(&head) {
            head.truncate(end);
            return Ok(head);
        }
        if head.len() >= MAX_REQUEST_BYTES {
            return Err(Unanswered::TooLong { line_complete: head.contains(&b'\n') });
        }
        let wait = wait_left(deadline, stop).ok_or(Unanswered::Gone)?;
        stream.set_read_timeout(Some(wait)).map_err(|_| Unanswered::Gone)?;
        let room = (MAX_REQUEST_BYTES - head.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(Unanswered::Gone),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if retry(&e) => {}
            Err(_) => return Err(Unanswered::Gone),
        }
    }
}

/// Where the head ends (`\r\n\r\n`, or `\n\n` from lenient clients), if it has.
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = buf.windows(2).position(|w| w == b"\n\n");
    crlf.into_iter().chain(lf).min()
}

/// The response to a complete request head.
fn respond(head: &[u8]) -> Vec<u8> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Ok(line) = std::str::from_utf8(line) else {
        return plain(400, "Bad Request", "request line is not UTF-8\n");
    };
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return plain(400, "Bad Request", "expected a request line `METHOD /path HTTP/1.1`\n");
    };
    if !version.starts_with("HTTP/1.") {
        return plain(400, "Bad Request", "expected HTTP/1.0 or HTTP/1.1\n");
    }
    let path = target.split_once('?').map_or(target, |(path, _query)| path);
    if path != PATH {
        return plain(404, "Not Found", &format!("wear serves metrics at {PATH}\n"));
    }
    match method {
        "GET" => response(200, "OK", &[("Content-Type", CONTENT_TYPE)], super::render().as_bytes(), true),
        "HEAD" => response(200, "OK", &[("Content-Type", CONTENT_TYPE)], super::render().as_bytes(), false),
        _ => response(
            405,
            "Method Not Allowed",
            &[("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET, HEAD")],
            format!("{PATH} answers GET and HEAD only\n").as_bytes(),
            true,
        ),
    }
}

fn plain(status: u16, reason: &str, body: &str) -> Vec<u8> {
    response(status, reason, &[("Content-Type", "text/plain; charset=utf-8")], body.as_bytes(), true)
}

fn response(status: u16, reason: &str, headers: &[(&str, &str)], body: &[u8], with_body: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    if with_body {
        out.extend_from_slice(body);
    }
    out
}

/// Writes all of `bytes` before `deadline`, in slices short enough to notice a stop.
fn write_by(stream: &mut TcpStream, bytes: &[u8], deadline: Instant, stop: &AtomicBool) -> Result<(), ()> {
    let mut written = 0;
    while written < bytes.len() {
        let wait = wait_left(deadline, stop).ok_or(())?;
        stream.set_write_timeout(Some(wait)).map_err(|_| ())?;
        let end = bytes.len().min(written + 64 * 1024);
        match stream.write(&bytes[written..end]) {
            Ok(0) => return Err(()),
            Ok(n) => written += n,
            Err(e) if retry(&e) => {}
            Err(_) => return Err(()),
        }
    }
    Ok(())
}

/// Ends the response and reads what the client may still send, briefly, so that closing with
/// unread data does not turn into a reset that hides the answer.
fn close_gracefully(stream: &mut TcpStream, stop: &AtomicBool) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + DRAIN_TIME;
    let mut drained = 0;
    let mut chunk = [0u8; 4096];
    while drained < DRAIN_BYTES {
        let Some(wait) = wait_left(deadline, stop) else { return };
        if stream.set_read_timeout(Some(wait)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => drained += n,
            Err(e) if retry(&e) => {}
            Err(_) => return,
        }
    }
}

/// How long the next blocking call may wait: at most [`TICK`], `None` once the deadline has
/// passed or the endpoint is stopping.
fn wait_left(deadline: Instant, stop: &AtomicBool) -> Option<Duration> {
    if stop.load(Ordering::Acquire) {
        return None;
    }
    let left = deadline.checked_duration_since(Instant::now())?;
    // A zero timeout means "block forever" to the socket API.
    (!left.is_zero()).then(|| left.min(TICK))
}

/// Timeouts (reported as either kind, depending on the system) and interrupted calls.
fn retry(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(head: &str) -> String {
        let response = respond(head.as_bytes());
        let text = String::from_utf8_lossy(&response);
        text.lines().next().unwrap_or_default().to_owned()
    }

    #[test]
    fn request_lines_route_to_their_answers() {
        assert_eq!(status("GET /metrics HTTP/1.1\r\nHost: x"), "HTTP/1.1 200 OK");
        assert_eq!(status("GET /metrics?x=1 HTTP/1.0"), "HTTP/1.1 200 OK");
        assert_eq!(status("HEAD /metrics HTTP/1.1"), "HTTP/1.1 200 OK");
        assert_eq!(status("GET / HTTP/1.1"), "HTTP/1.1 404 Not Found");
        assert_eq!(status("GET /metricsx HTTP/1.1"), "HTTP/1.1 404 Not Found");
        assert_eq!(status("POST /metrics HTTP/1.1"), "HTTP/1.1 405 Method Not Allowed");
        assert_eq!(status("GET /metrics"), "HTTP/1.1 400 Bad Request");
        assert_eq!(status("GET /metrics HTTP/2"), "HTTP/1.1 400 Bad Request");
        assert_eq!(status("GET  /metrics HTTP/1.1"), "HTTP/1.1 400 Bad Request");
        assert_eq!(status("\u{ff}"), "HTTP/1.1 400 Bad Request");
    }

    #[test]
    fn head_answers_carry_the_length_without_the_body() {
        let response = String::from_utf8_lossy(&respond(b"HEAD /metrics HTTP/1.1")).into_owned();
        let (headers, body) = response.split_once("\r\n\r\n").unwrap_or_default();
        assert!(headers.contains("Content-Length: "), "{headers}");
        assert!(!headers.contains("Content-Length: 0\r"), "{headers}");
        assert_eq!(body, "");
    }

    #[test]
    fn the_head_ends_at_the_first_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nbody"), Some(20));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n"), Some(14));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n"), None);
    }
}
