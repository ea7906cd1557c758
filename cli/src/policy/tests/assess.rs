//! Status, nearest limit and forecast for one part's facts.
use crate::due::{LimitKind, LimitUse, Status};
use crate::policy::assess::limit_uses;
use crate::policy::limits::EffectiveLimits;
use crate::policy::{Facts, assess};
use crate::time::{DAY, Secs, parse_instant};

const HOUR_NS: u64 = 3_600_000_000_000;

fn now() -> Secs {
    parse_instant("2026-11-21T12:00:00Z").expect("instant")
}

/// 1000 calls, 100 hours busy, 100 days of age, due soon at 90%.
fn limits() -> EffectiveLimits {
    EffectiveLimits { calls: Some(1000), busy_ns: Some(100 * HOUR_NS), age: Some(100 * DAY), due_soon: 0.9 }
}

/// Covered, with `calls`, `busy_hours` and `age_days` since overhaul, no rates.
fn used(calls: u64, busy_hours: u64, age_days: i64) -> Facts {
    Facts {
        covered: true,
        calls: Some(calls),
        busy_ns: Some(busy_hours * HOUR_NS),
        since: Some(now() - age_days * DAY),
        calls_per_sec: None,
        busy_ns_per_sec: None,
    }
}

fn status(facts: &Facts) -> Status {
    assess(facts, &limits(), now()).status
}

#[test]
fn percent_of_each_limit_and_the_nearest() {
    let facts = used(250, 50, 10);
    let uses: Vec<(LimitKind, String, f64, bool)> = limit_uses(&facts, &limits(), now())
        .into_iter()
        .map(|(u, r)| (u.kind, u.limit, u.percent, r))
        .collect();
    assert_eq!(
        uses,
        [
            (LimitKind::Calls, "1000".to_owned(), 25.0, false),
            (LimitKind::Busy, "100h".to_owned(), 50.0, false),
            (LimitKind::Age, "100d".to_owned(), 10.0, false),
        ]
    );
    let got = assess(&facts, &limits(), now());
    assert_eq!(got.status, Status::Serviceable);
    assert_eq!(
        got.nearest,
        Some(LimitUse { kind: LimitKind::Busy, limit: "100h".to_owned(), percent: 50.0 })
    );
    // Each limit can be the nearest.
    assert_eq!(assess(&used(700, 50, 10), &limits(), now()).nearest.map(|n| n.kind), Some(LimitKind::Calls));
    assert_eq!(assess(&used(100, 5, 60), &limits(), now()).nearest.map(|n| n.kind), Some(LimitKind::Age));
    // Over 100% is shown as such.
    assert_eq!(assess(&used(2500, 0, 0), &limits(), now()).nearest.map(|n| n.percent), Some(250.0));
}

#[test]
fn every_status() {
    assert_eq!(status(&used(100, 1, 1)), Status::Serviceable);
    assert_eq!(status(&used(950, 1, 1)), Status::DueSoon);
    assert_eq!(status(&used(1, 95, 1)), Status::DueSoon);
    assert_eq!(status(&used(1, 1, 95)), Status::DueSoon);
    assert_eq!(status(&used(1000, 1, 1)), Status::Overdue);
    assert_eq!(status(&used(1, 100, 1)), Status::Overdue);
    assert_eq!(status(&used(1, 1, 100)), Status::Overdue);
    assert_eq!(status(&used(0, 0, 10)), Status::InStorage);
    let uncovered = Facts { covered: false, calls: None, busy_ns: None, ..used(0, 0, 10) };
    assert_eq!(status(&uncovered), Status::Unknown);
    assert_eq!(status(&Facts::default()), Status::Unknown, "nothing known at all");
}

#[test]
fn threshold_and_limit_edges() {
    assert_eq!(status(&used(899, 0, 0)), Status::Serviceable, "89.9%");
    assert_eq!(status(&used(900, 0, 0)), Status::DueSoon, "exactly 90%");
    assert_eq!(status(&used(999, 0, 0)), Status::DueSoon, "99.9%");
    assert_eq!(status(&used(1000, 0, 0)), Status::Overdue, "exactly 100%");
    // Age in seconds: one second short of the limit is not overdue.
    let mut facts = used(1, 0, 0);
    facts.since = Some(now() - 100 * DAY + 1);
    assert_eq!(status(&facts), Status::DueSoon);
    facts.since = Some(now() - 90 * DAY);
    assert_eq!(status(&facts), Status::DueSoon, "exactly 90% of the age");
    facts.since = Some(now() - 90 * DAY + 1);
    assert_eq!(status(&facts), Status::Serviceable);
    // Thresholds that are not exact in binary still count their exact percent.
    for (threshold, calls) in [(0.07, 70), (0.29, 290), (0.57, 570), (1.0, 1000)] {
        let limits = EffectiveLimits { due_soon: threshold, ..limits() };
        let at = assess(&used(calls, 0, 0), &limits, now()).status;
        let below = assess(&used(calls - 1, 0, 0), &limits, now()).status;
        assert!(matches!(at, Status::DueSoon | Status::Overdue), "{threshold}: {at:?}");
        assert_eq!(below, Status::Serviceable, "{threshold}");
    }
    // Due soon at 100% means only overdue is ever shown.
    let strict = EffectiveLimits { due_soon: 1.0, ..limits() };
    assert_eq!(assess(&used(999, 0, 0), &strict, now()).status, Status::Serviceable);
}

#[test]
fn the_calendar_limit_applies_to_unknown_and_stored_parts() {
    let unknown_old = Facts { covered: false, calls: None, busy_ns: None, ..used(0, 0, 120) };
    let got = assess(&unknown_old, &limits(), now());
    assert_eq!(got.status, Status::Overdue);
    assert_eq!(got.nearest.map(|n| (n.kind, n.percent)), Some((LimitKind::Age, 120.0)));
    let stored_ageing = used(0, 0, 95);
    assert_eq!(status(&stored_ageing), Status::DueSoon);
    let stored_young = used(0, 0, 5);
    assert_eq!(status(&stored_young), Status::InStorage);
}

#[test]
fn missing_limits_and_facts_are_left_out() {
    let no_limits = EffectiveLimits { calls: None, busy_ns: None, age: None, due_soon: 0.9 };
    let got = assess(&used(5_000, 500, 500), &no_limits, now());
    assert_eq!((got.status, got.nearest, got.projected_due), (Status::Serviceable, None, None));
    // Not timed: no busy time, so the busy limit cannot be measured.
    let facts = Facts { busy_ns: None, ..used(10, 0, 1) };
    assert!(limit_uses(&facts, &limits(), now()).iter().all(|(u, _)| u.kind != LimitKind::Busy));
    // An overhaul in the future (clock skew) counts as no age yet.
    let facts = Facts { since: Some(now() + DAY), ..used(10, 0, 0) };
    assert_eq!(assess(&facts, &limits(), now()).nearest.map(|n| n.percent), Some(1.0));
}

#[test]
fn projected_due_from_each_limit() {
    let age_due = now() - 10 * DAY + 100 * DAY;
    // Age alone: a fixed date, since + age.
    assert_eq!(assess(&used(0, 0, 10), &limits(), now()).projected_due, Some(age_due));
    // Calls: 500 to go at 0.01 calls/s is 50,000 s, sooner than the age limit.
    let calls = Facts { calls_per_sec: Some(0.01), ..used(500, 0, 10) };
    assert_eq!(assess(&calls, &limits(), now()).projected_due, Some(now() + 50_000));
    // Busy: 40 hours to go at 0.5 busy seconds per second is 80 hours.
    let busy = Facts { busy_ns_per_sec: Some(0.5e9), ..used(0, 60, 10) };
    assert_eq!(assess(&busy, &limits(), now()).projected_due, Some(now() + 80 * 3600));
    // The earliest of all.
    let both = Facts { calls_per_sec: Some(0.01), busy_ns_per_sec: Some(0.5e9), ..used(500, 60, 10) };
    assert_eq!(assess(&both, &limits(), now()).projected_due, Some(now() + 50_000));
    // A slow rate loses to the age limit.
    let slow = Facts { calls_per_sec: Some(1e-6), ..used(500, 0, 10) };
    assert_eq!(assess(&slow, &limits(), now()).projected_due, Some(age_due));
    // Fractions of a second round up: due no earlier than the limit is reached.
    let fast = Facts { calls_per_sec: Some(3.0), ..used(999, 0, 10) };
    assert_eq!(assess(&fast, &limits(), now()).projected_due, Some(now() + 1));
}

#[test]
fn projected_due_of_reached_limits() {
    // Age reached: the date it was reached.
    assert_eq!(assess(&used(0, 0, 120), &limits(), now()).projected_due, Some(now() - 20 * DAY));
    // Calls reached: by now at the latest.
    assert_eq!(assess(&used(1000, 0, 10), &limits(), now()).projected_due, Some(now()));
}

#[test]
fn nothing_to_project() {
    let no_age = EffectiveLimits { age: None, ..limits() };
    // No rate of use, no age limit.
    assert_eq!(assess(&used(10, 1, 10), &no_age, now()).projected_due, None);
    // A rate of zero, negative or not a number never reaches a limit.
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let facts = Facts { calls_per_sec: Some(rate), busy_ns_per_sec: Some(rate), ..used(10, 1, 10) };
        assert_eq!(assess(&facts, &no_age, now()).projected_due, None, "{rate}");
    }
    // No overhaul date: the age limit cannot be projected.
    let facts = Facts { since: None, ..used(10, 1, 0) };
    assert_eq!(assess(&facts, &limits(), now()).projected_due, None);
    // Beyond the year 9999 is no date at all.
    let facts = Facts { calls_per_sec: Some(1e-12), ..used(10, 1, 0) };
    assert_eq!(assess(&facts, &no_age, now()).projected_due, None);
    // Unknown usage: calls cannot be projected even with a rate.
    let facts =
        Facts { covered: false, calls: None, busy_ns: None, calls_per_sec: Some(1.0), ..used(0, 0, 0) };
    assert_eq!(assess(&facts, &no_age, now()).projected_due, None);
}
