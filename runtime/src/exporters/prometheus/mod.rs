//! Prometheus scraping (feature `prometheus`): the counts in the text exposition format, from
//! an endpoint of wear's own or for a web server the program already runs.
//!
//! ```no_run
//! wear::set_service(wear::service!());
//! // http://0.0.0.0:9464/metrics until `_metrics` is dropped.
//! let _metrics = wear::prometheus::serve("0.0.0.0:9464")?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Every part is a series of `wear_part_calls_total`, zero calls included; parts tracked with
//! `failures` also have `wear_part_failures_total`, and `timed` parts
//! `wear_part_busy_time_seconds_total` and `wear_part_latency_bucket_total` (cumulative, one
//! series per bound `le`, `+Inf` last). Labels are `code_function_name` (the part path),
//! `code_file_path`, `code_line_number`, `wear_part_serial`, and on every series
//! `service_name` and `service_instance_id`, so that a restarted process is a new series and
//! summing over instances counts every call once. `target_info` (always 1) carries
//! `service_name`, `service_version`, `service_instance_id` and `vcs_ref_head_revision`.
//! The names are those of [`export::names`](crate::exporters::export::names), as OpenTelemetry's
//! Prometheus translation writes them.
mod server;
mod text;

pub use server::{Endpoint, MAX_REQUEST_BYTES, PATH, REQUEST_TIMEOUT, RESPONSE_TIMEOUT, serve};
pub use text::CONTENT_TYPE;

/// The current counts of every part in the Prometheus text format (version 0.0.4), sorted by
/// part path, to serve with [`CONTENT_TYPE`] from a web server of the program's own.
///
/// Reads every counter once ([`export::collect`](crate::exporters::export::collect)); it never stops a
/// tracked call.
pub fn render() -> String {
    let mut readings = crate::exporters::export::collect();
    readings.sort_by(|a, b| (a.path, a.file, a.line).cmp(&(b.path, b.file, b.line)));
    let service = crate::count::read::service();
    let instance = crate::count::read::instance();
    text::render(&readings, &text::Identity { service: &service, instance: &instance })
}
