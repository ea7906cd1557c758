//! `wear::otel::install()` to an `https://` endpoint: a real TLS receiver whose certificate a
//! test CA signed (rcgen), trusted through `OTEL_EXPORTER_OTLP_CERTIFICATE`; mutual TLS with
//! `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` and `..._CLIENT_KEY`; and what happens when trust is
//! missing or a file is bad: nothing arrives, the program's own work is done and exits cleanly,
//! nothing panics.
mod otel_receiver;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use otel_receiver::{Behaviour, Receiver, Run, probe};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CALLS: u64 = 3_000;

/// A test CA, and a server and a client certificate it signed, written as PEM files.
struct Pki {
    dir: tempfile::TempDir,
    ca: CertificateDer<'static>,
    server: (CertificateDer<'static>, PrivateKeyDer<'static>),
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key")).expect("CA");
        let leaf = |names: Vec<String>| {
            let key = KeyPair::generate().expect("key");
            let cert = CertificateParams::new(names).expect("params").signed_by(&key, &ca).expect("signed");
            (cert, key)
        };
        let (server, server_key) = leaf(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]);
        let (client, client_key) = leaf(vec!["wear-probe".to_owned()]);
        let write =
            |name: &str, text: String| std::fs::write(dir.path().join(name), text).expect("write PEM");
        write("ca.pem", ca.pem());
        write("client.pem", client.pem());
        write("client.key", client_key.serialize_pem());
        write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n".to_owned());
        let server_key = PrivateKeyDer::try_from(server_key.serialize_der()).expect("a private key");
        Pki { ca: ca.der().clone(), server: (server.der().clone(), server_key), dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The receiver's TLS configuration, asking for a client certificate the CA signed when
    /// `mutual`.
    fn server_config(&self, mutual: bool) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("TLS versions");
        let builder = if mutual {
            let mut roots = RootCertStore::empty();
            roots.add(self.ca.clone()).expect("the CA");
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .expect("a client verifier");
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let (cert, key) = (self.server.0.clone(), self.server.1.clone_key());
        Arc::new(builder.with_single_cert(vec![cert], key).expect("the server certificate"))
    }
}

fn run(receiver: &Receiver, tls: &[(&str, &Path)]) -> Run {
    let mut env: Vec<(&str, String)> = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.addr.clone()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "100".to_owned()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000".to_owned()),
    ];
    env.extend(tls.iter().map(|(name, path)| (*name, path.display().to_string())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = probe(CALLS, 300, "otlp", &env, None);
    assert!(run.status.success(), "the probe failed: {}\n{}", run.status, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // Counted from the program's own snapshot (timing `work` says nothing: 3,000 calls take
    // microseconds).
    assert!(
        run.parts.iter().any(|p| p.path.ends_with("::work") && p.calls == CALLS),
        "the program did its work: {:?}",
        run.parts.iter().find(|p| p.path.ends_with("::work"))
    );
    run
}

/// Every part arrived with exactly what the program counted.
fn assert_all_arrived(receiver: &Receiver, run: &Run) {
    let requests = receiver.points().requests;
    assert!(requests >= 2, "periodic exports and the last one: {requests}");
    otel_receiver::assert_every_part_arrived(receiver, run, CALLS);
}

#[test]
fn an_https_endpoint_signed_by_the_named_ca_gets_every_part() {
    let pki = Pki::new();
    let receiver = Receiver::start_tls(Behaviour::Ok, pki.server_config(false));
    assert!(receiver.addr.starts_with("https://"));
    let run = run(&receiver, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &pki.path("ca.pem"))]);
    assert!(run.stderr.is_empty(), "no warning: {}", run.stderr);
    assert_all_arrived(&receiver, &run);
}

#[test]
fn mutual_tls_sends_the_client_certificate() {
    let pki = Pki::new();
    let receiver = Receiver::start_tls(Behaviour::Ok, pki.server_config(true));
    let ca = pki.path("ca.pem");
    let run = run(
        &receiver,
        &[
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca),
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", &pki.path("client.pem")),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY", &pki.path("client.key")),
        ],
    );
    assert!(run.stderr.is_empty(), "no warning: {}", run.stderr);
    assert_all_arrived(&receiver, &run);

    // Without its certificate the client is refused, and the program is not disturbed.
    let refused = Receiver::start_tls(Behaviour::Ok, pki.server_config(true));
    let run = self::run(&refused, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca)]);
    assert_eq!(refused.points().requests, 0, "no export without the client certificate");
    assert!(run.parts.iter().any(|p| p.calls == CALLS), "the program counted on");
}

#[test]
fn an_untrusted_server_gets_nothing_and_the_program_goes_on() {
    let pki = Pki::new();
    let receiver = Receiver::start_tls(Behaviour::Ok, pki.server_config(false));
    // The system's CAs do not know the test CA.
    let run = run(&receiver, &[]);
    assert_eq!(receiver.points().requests, 0, "nothing sent to a server that is not trusted");
    assert!(run.stdout.contains("work_ms"), "{}", run.stdout);
}

#[test]
fn bad_tls_files_are_warnings_that_name_the_variable_and_the_file() {
    let pki = Pki::new();
    let receiver = Receiver::start_tls(Behaviour::Ok, pki.server_config(false));
    let missing = pki.path("missing.pem");
    let run1 = run(&receiver, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &missing)]);
    assert!(
        run1.stderr.contains("wear: ignoring OTEL_EXPORTER_OTLP_CERTIFICATE")
            && run1.stderr.contains("missing.pem"),
        "{}",
        run1.stderr
    );
    let garbage = pki.path("garbage.pem");
    let run2 = run(&receiver, &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &garbage)]);
    assert!(run2.stderr.contains("garbage.pem"), "{}", run2.stderr);
    let ca = pki.path("ca.pem");
    let run3 = run(
        &receiver,
        &[
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca),
            ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", &pki.path("client.pem")),
        ],
    );
    assert!(run3.stderr.contains("set both OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"), "{}", run3.stderr);
    // The CA was good in the last run: the server needs no client certificate, so it arrived.
    assert!(receiver.points().requests >= 2, "the last run exported");
}
