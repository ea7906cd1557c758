//! Reading an answer of the Prometheus query API (`/api/v1/query`): `status`, then an instant
//! vector of `{metric: {label: value}, value: [time, "number"]}`. Anything else (not JSON,
//! another shape, `status: error`, a number that is not one) is an error that names the
//! backend and quotes what it said.
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::usage::prometheus::client::shorten;

/// One element of an instant vector: its labels and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The series' labels.
    pub labels: BTreeMap<String, String>,
    /// The value (finite).
    pub value: f64,
}

/// A parsed answer: the samples and the backend's warnings, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The instant vector.
    pub samples: Vec<Sample>,
    /// Warnings the backend attached (e.g. a partial answer from Thanos).
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct RawAnswer {
    status: String,
    #[serde(default)]
    data: Option<RawData>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct RawData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct RawSample {
    metric: BTreeMap<String, String>,
    value: (serde_json::Value, String),
}

/// One series of a range answer: its labels and its points (seconds, value), in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    /// The series' labels.
    pub labels: BTreeMap<String, String>,
    /// (time in whole seconds, value).
    pub points: Vec<(i64, f64)>,
}

#[derive(Deserialize)]
struct RawPoints {
    metric: BTreeMap<String, String>,
    values: Vec<(f64, String)>,
}

/// Parses `body`, the answer of the backend at `url` to `query`, an instant vector.
pub fn parse(url: &str, query: &str, body: &str) -> Result<Answer> {
    let garbage = |why: String| garbage(url, why);
    let (data, warnings) = parse_data(url, query, body)?;
    if data.result_type != "vector" {
        return Err(garbage(format!("a result of type `{}`, not an instant vector", data.result_type)));
    }
    let raw_samples: Vec<RawSample> = serde_json::from_value(data.result)
        .map_err(|e| garbage(format!("a vector whose elements are not samples ({e})")))?;
    let mut samples = Vec::with_capacity(raw_samples.len());
    for raw in raw_samples {
        let value = match raw.value.1.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(garbage(format!("the value `{}` for {:?}", shorten(&raw.value.1), raw.metric))
                    .help("a counter of wear is a finite number; check the backend's data"));
            }
        };
        samples.push(Sample { labels: raw.metric, value });
    }
    Ok(Answer { samples, warnings })
}

/// Parses `body`, the answer of the backend at `url` to `query`, a range of points (what an
/// instant query of a subquery answers). Values that are not finite numbers are left out.
pub fn parse_matrix(url: &str, query: &str, body: &str) -> Result<(Vec<Points>, Vec<String>)> {
    let (data, warnings) = parse_data(url, query, body)?;
    if data.result_type != "matrix" {
        return Err(garbage(url, format!("a result of type `{}`, not a range of points", data.result_type)));
    }
    let raw: Vec<RawPoints> = serde_json::from_value(data.result)
        .map_err(|e| garbage(url, format!("a matrix whose elements are not series of points ({e})")))?;
    let series = raw
        .into_iter()
        .map(|raw| Points {
            labels: raw.metric,
            points: raw
                .values
                .into_iter()
                .filter_map(|(t, v)| {
                    v.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| (t.floor() as i64, v))
                })
                .collect(),
        })
        .collect();
    Ok((series, warnings))
}

fn garbage(url: &str, why: String) -> Error {
    Error::new(format!("the Prometheus API at {url} answered {why}")).help(
        "check that --prometheus is the base URL of a Prometheus-compatible query API \
         (Prometheus, Thanos, Mimir, VictoriaMetrics), e.g. http://prometheus:9090",
    )
}

/// The `data` of a successful answer, and its warnings.
fn parse_data(url: &str, query: &str, body: &str) -> Result<(RawData, Vec<String>)> {
    let garbage = |why: String| {
        Error::new(format!("the Prometheus API at {url} answered {why}")).help(
            "check that --prometheus is the base URL of a Prometheus-compatible query API \
             (Prometheus, Thanos, Mimir, VictoriaMetrics), e.g. http://prometheus:9090",
        )
    };
    let raw: RawAnswer = serde_json::from_str(body).map_err(|e| {
        if serde_json::from_str::<serde_json::Value>(body).is_ok() {
            garbage(format!("JSON that is not a query answer ({e})"))
        } else {
            garbage(format!("something that is not JSON: `{}`", shorten(body)))
        }
    })?;
    if raw.status != "success" {
        let kind = raw.error_type.map(|t| format!(" ({t})")).unwrap_or_default();
        return Err(Error::new(format!(
            "the Prometheus API at {url} could not run `{query}`{kind}: {}",
            shorten(raw.error.as_deref().unwrap_or("no reason given"))
        ))
        .help("if it loads too many samples, give a shorter --window or raise the backend's limit"));
    }
    let Some(data) = raw.data else {
        return Err(garbage("\"success\" without \"data\"".to_owned()));
    };
    Ok((data, raw.warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_answer_becomes_samples() {
        let body = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"code_function_name":"a::b","wear_part_serial":"00000000000000aa"},
             "value":[1763715600.000,"42"]}]},"warnings":["partial"]}"#;
        let answer = parse("http://h", "q", body).unwrap();
        assert_eq!(answer.samples[0].value, 42.0);
        assert_eq!(answer.samples[0].labels["code_function_name"], "a::b");
        assert_eq!(answer.warnings, ["partial"]);
    }

    #[test]
    fn anything_else_names_the_backend() {
        for (body, says) in [
            ("<html>Grafana</html>", "not JSON"),
            (r#"{"hello":1}"#, "not a query answer"),
            (r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#, "parse error"),
            (r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#, "matrix"),
            (r#"{"status":"success","data":{"resultType":"vector","result":[{"x":1}]}}"#, "not samples"),
            (
                r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#,
                "NaN",
            ),
        ] {
            let err = parse("http://h:9090", "q", body).unwrap_err().to_string();
            assert!(err.contains("http://h:9090") && err.contains(says), "{body}: {err}");
        }
    }
}
