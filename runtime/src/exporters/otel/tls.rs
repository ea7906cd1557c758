//! TLS for `https://` OTLP endpoints: wear builds the rustls configuration itself (aws-lc-rs,
//! the system's CA certificates, and the files the standard variables name) and hands it to the
//! HTTP client, so that nothing depends on a process-wide crypto provider the host program
//! may or may not have installed. A file that cannot be used is a warning, never a failure:
//! exports to that endpoint then fail on the exporter's thread, and the program goes on.
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use super::env::Settings;

/// The client configuration for `settings`, with one warning per file or setting ignored.
/// `None` only if aws-lc-rs refuses its own defaults (then the client cannot speak TLS at all).
pub(crate) fn client_config(settings: &Settings, warnings: &mut Vec<String>) -> Option<ClientConfig> {
    let https = settings.endpoint.starts_with("https://");
    let mut roots = RootCertStore::empty();
    if https {
        let native = rustls_native_certs::load_native_certs();
        let (added, _) = roots.add_parsable_certificates(native.certs);
        if added == 0 && settings.certificate.is_none() {
            warnings.push(
                "found no CA certificates on this system for the https:// endpoint; set \
                 OTEL_EXPORTER_OTLP_CERTIFICATE to the PEM file of the collector's CA"
                    .to_owned(),
            );
        }
    }
    if let Some(path) = &settings.certificate {
        match certificates(path) {
            Ok(certs) => {
                let (_, ignored) = roots.add_parsable_certificates(certs);
                if ignored > 0 {
                    warnings
                        .push(format!("ignoring {ignored} unusable certificate(s) in {}", path.display()));
                }
            }
            Err(why) => warnings.push(format!("ignoring OTEL_EXPORTER_OTLP_CERTIFICATE={path:?}: {why}")),
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = match ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
        Ok(builder) => builder.with_root_certificates(roots),
        Err(error) => {
            warnings.push(format!("TLS is unavailable: {error}"));
            return None;
        }
    };
    match (&settings.client_certificate, &settings.client_key) {
        (Some(cert), Some(key_file)) => match identity(cert, key_file) {
            Ok((chain, key)) => match builder.clone().with_client_auth_cert(chain, key) {
                Ok(config) => return Some(config),
                Err(error) => warnings.push(format!(
                    "ignoring the client certificate {} and key {}: {error}",
                    cert.display(),
                    key_file.display()
                )),
            },
            Err(why) => warnings.push(format!("ignoring the client certificate: {why}")),
        },
        (Some(_), None) | (None, Some(_)) => warnings.push(
            "ignoring the client certificate: set both OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and \
             OTEL_EXPORTER_OTLP_CLIENT_KEY"
                .to_owned(),
        ),
        (None, None) => {}
    }
    Some(builder.with_no_client_auth())
}

/// Every certificate of a PEM file; an error when it holds none.
fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read PEM certificates: {e}"))?;
    if certs.is_empty() {
        return Err("holds no PEM certificate".to_owned());
    }
    Ok(certs)
}

/// The client's certificate chain and private key.
fn identity(
    cert: &Path,
    key: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let chain = certificates(cert).map_err(|why| format!("{}: {why}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("{}: cannot read a PEM private key: {e}", key.display()))?;
    Ok((chain, key))
}
