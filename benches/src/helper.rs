//! Child processes of the export and faults benches: the bench executable started again with
//! [`ROLE`] set, so that the helper's own work (receiving exports, scraping) is not counted
//! against the measured program. A helper prints its address (or `ready`) on its first line
//! and a summary on its last, when its standard input closes.
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The variable that tells the bench executable which helper to be.
pub const ROLE: &str = "WEAR_BENCH_ROLE";

/// A running helper.
#[derive(Debug)]
pub struct Helper {
    child: Child,
    /// What the helper printed first: its address, or `ready`.
    pub addr: String,
}

impl Helper {
    /// Starts this executable as the helper `role`, with `env` added.
    pub fn start(role: &str, env: &[(&str, &str)]) -> Helper {
        let exe = std::env::current_exe().expect("this bench's executable");
        let mut command = Command::new(exe);
        command.env(ROLE, role).envs(env.iter().copied()).stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = command.spawn().expect("start a helper process");
        let mut first = String::new();
        let stdout = child.stdout.as_mut().expect("the helper's stdout");
        BufReader::new(stdout).read_line(&mut first).expect("the helper's first line");
        Helper { child, addr: first.trim().to_owned() }
    }

    /// Closes the helper's input and returns its summary line.
    pub fn finish(mut self) -> String {
        drop(self.child.stdin.take());
        let mut rest = String::new();
        if let Some(stdout) = self.child.stdout.as_mut() {
            let _ = stdout.read_to_string(&mut rest);
        }
        let _ = self.child.wait();
        rest.trim().to_owned()
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Set once the helper's standard input closes: the bench's way of saying "stop".
pub fn watch_stdin() -> &'static AtomicBool {
    static DONE: AtomicBool = AtomicBool::new(false);
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        DONE.store(true, Ordering::Relaxed);
    });
    &DONE
}

/// How the [`receiver`] answers exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// 200 with an empty protobuf body.
    Ok,
    /// 500.
    Fail,
    /// Never: every request is held open.
    Hang,
}

/// An OTLP/HTTP receiver on loopback: prints its address, answers every export as `answer`
/// says, counting requests and bytes, until its standard input closes; then prints a summary.
pub fn receiver(answer: Answer) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("listen on loopback");
    println!("{}", server.server_addr().to_ip().expect("an IP address"));
    let done = watch_stdin();
    let (mut requests, mut bytes, mut held) = (0u64, 0u64, Vec::new());
    while !done.load(Ordering::Relaxed) {
        let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(50)) else { continue };
        let mut body = Vec::new();
        if request.as_reader().read_to_end(&mut body).is_ok() {
            requests += 1;
            bytes += body.len() as u64;
        }
        match answer {
            // tiny_http answers 500 to a request dropped unanswered: keep it.
            Answer::Hang => held.push(request),
            Answer::Fail => drop(request.respond(tiny_http::Response::empty(500))),
            Answer::Ok => {
                let protobuf = "Content-Type: application/x-protobuf".parse::<tiny_http::Header>();
                let response = tiny_http::Response::empty(200).with_header(protobuf.expect("a header"));
                drop(request.respond(response));
            }
        }
    }
    let per = bytes.checked_div(requests).unwrap_or(0);
    println!("{requests} export(s), {per} bytes each on average (protobuf, gzip off)");
}
