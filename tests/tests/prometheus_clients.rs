//! The endpoint against wrong requests and bad clients, over real loopback connections: a
//! wrong path, method or request line gets its status; a client that sends nothing, or a
//! byte at a time, is dropped after the request timeout and the next scrape is answered; a
//! huge request is rejected without reading it all; dropping the endpoint stops it promptly
//! even with a client connected; bad addresses are errors, not panics.
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use wear::prometheus::{MAX_REQUEST_BYTES, REQUEST_TIMEOUT, serve};

mod prometheus_support;
use prometheus_support::{exchange, get, parse_exposition, read_response};

#[wear::tracked]
fn work() {}

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    stream
}

/// Whether the server closed the connection without answering.
fn closed_without_answer(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Err(e) => e.kind() == ErrorKind::ConnectionReset,
        Ok(_) => false,
    }
}

#[test]
fn wrong_paths_methods_and_lines_get_their_status() {
    let endpoint = serve("127.0.0.1:0").expect("serve");
    let addr = endpoint.local_addr();

    let not_found = get(addr, "/");
    assert_eq!(not_found.status, 404);
    assert_eq!(not_found.body, "wear serves metrics at /metrics\n");
    assert_eq!(get(addr, "/metrics/extra").status, 404);

    let post = exchange(addr, b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
    assert_eq!(exchange(addr, b"DELETE /metrics HTTP/1.1\r\n\r\n").status, 405);

    let garbage = exchange(addr, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n");
    assert_eq!(garbage.status, 400, "a TLS hello is not HTTP");
    let no_version = exchange(addr, b"GET /metrics\r\n\r\n");
    assert_eq!(no_version.status, 400);
    assert!(no_version.body.contains("METHOD /path HTTP/1.1"), "{}", no_version.body);

    // A query string is allowed (Prometheus sends `params` that way); bare `\n` line ends too.
    assert_eq!(exchange(addr, b"GET /metrics?module=x HTTP/1.0\n\n").status, 200);
    // After all of that, it still serves.
    work();
    let ok = get(addr, "/metrics");
    assert_eq!(ok.status, 200);
    let exposition = parse_exposition(&ok.body);
    assert_eq!(
        exposition.one("wear_part_calls_total", &[("code_function_name", "prometheus_clients::work")]).value,
        1.0
    );
}

#[test]
fn huge_requests_are_rejected_without_reading_them_all() {
    let endpoint = serve("127.0.0.1:0").expect("serve");
    let addr = endpoint.local_addr();

    // A request line of 64 KiB with no end.
    let mut line = b"GET /".to_vec();
    line.resize(64 * 1024, b'a');
    let started = Instant::now();
    let too_long = exchange(addr, &line);
    assert_eq!(too_long.status, 414, "{too_long:?}");
    assert_eq!(too_long.body, format!("request line longer than {MAX_REQUEST_BYTES} bytes\n"));
    assert!(started.elapsed() < REQUEST_TIMEOUT, "rejected at once, not after a timeout");

    // Headers that never end.
    let mut head = b"GET /metrics HTTP/1.1\r\n".to_vec();
    while head.len() < 2 * MAX_REQUEST_BYTES {
        head.extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    assert_eq!(exchange(addr, &head).status, 431);

    // A request that fits, just, is served.
    let mut fits = b"GET /metrics HTTP/1.1\r\nX-Padding: ".to_vec();
    fits.resize(MAX_REQUEST_BYTES - 4, b'b');
    fits.extend_from_slice(b"\r\n\r\n");
    assert_eq!(exchange(addr, &fits).status, 200);

    assert_eq!(get(addr, "/metrics").status, 200);
}

#[test]
fn a_silent_client_is_dropped_after_the_timeout_and_the_next_scrape_answered() {
    let endpoint = serve("127.0.0.1:0").expect("serve");
    let addr = endpoint.local_addr();

    let started = Instant::now();
    let mut silent = connect(addr);
    // Let the server pick up the silent connection first.
    std::thread::sleep(Duration::from_millis(200));
    let next = std::thread::spawn(move || (get(addr, "/metrics"), Instant::now()));

    assert!(closed_without_answer(&mut silent), "the silent client gets no answer");
    let dropped_after = started.elapsed();
    assert!(
        dropped_after >= REQUEST_TIMEOUT && dropped_after < REQUEST_TIMEOUT + Duration::from_secs(2),
        "dropped after {dropped_after:?}"
    );
    let (response, answered_at) = next.join().expect("client thread");
    assert_eq!(response.status, 200);
    assert!(answered_at.duration_since(started) < REQUEST_TIMEOUT + Duration::from_secs(2));
}

#[test]
fn a_client_sending_a_byte_at_a_time_does_not_get_more_time() {
    let endpoint = serve("127.0.0.1:0").expect("serve");
    let addr = endpoint.local_addr();
    let mut slow = connect(addr);
    let mut writer = slow.try_clone().expect("clone");
    let request = b"GET /metrics HTTP/1.1\r\nHost: a-very-slow-client\r\n\r\n";
    let pace = Duration::from_millis(150);
    assert!(pace * request.len() as u32 > REQUEST_TIMEOUT * 2, "the request takes longer than allowed");
    let started = Instant::now();
    std::thread::spawn(move || {
        for byte in request {
            // Fails once the server has closed the connection.
            if writer.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(pace);
        }
    });
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    let elapsed = started.elapsed();
    assert_eq!(String::from_utf8_lossy(&answer), "", "no answer to a request slower than the timeout");
    assert!(
        elapsed >= REQUEST_TIMEOUT && elapsed < REQUEST_TIMEOUT + Duration::from_secs(2),
        "closed after {elapsed:?}"
    );
    assert_eq!(get(addr, "/metrics").status, 200);
}

#[test]
fn dropping_the_endpoint_stops_it_promptly_even_with_a_client_connected() {
    let endpoint = serve("127.0.0.1:0").expect("serve");
    let addr = endpoint.local_addr();
    let mut silent = connect(addr);
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    drop(endpoint);
    let took = started.elapsed();
    assert!(took < Duration::from_millis(500), "drop took {took:?}");
    assert!(closed_without_answer(&mut silent));
    let refused = TcpStream::connect_timeout(&addr, Duration::from_secs(2));
    assert!(refused.is_err(), "nothing listens after the drop");

    // An idle endpoint stops as fast.
    let idle = serve("127.0.0.1:0").expect("serve");
    let started = Instant::now();
    drop(idle);
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[test]
fn bad_addresses_are_errors() {
    let taken = serve("127.0.0.1:0").expect("serve");
    let again = serve(taken.local_addr()).expect_err("port in use");
    assert_eq!(again.kind(), ErrorKind::AddrInUse, "{again}");

    let unparsable = serve("not an address").expect_err("unparsable");
    assert_eq!(unparsable.kind(), ErrorKind::InvalidInput, "{unparsable}");

    // Still serving after the failed attempts.
    let mut stream = connect(taken.local_addr());
    stream.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").expect("send");
    assert_eq!(read_response(&mut stream).status, 200);
}
