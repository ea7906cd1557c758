//! Every function shape `#[wear::tracked]` supports: it compiles, behaves exactly as before,
//! and is counted under the part path documented in `wear_identity::owner`. The last test
//! checks contract 1: the parts the program registered are exactly the parts the source
//! scanner (`wear_identity::site`) finds in this file, with the same lines and serials.
#![allow(clippy::boxed_local, reason = "receiver shapes are the point of this file")]

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wear::snapshot::PartReading;
use wear_tests::block_on;

/// The one reading of the part with this path.
fn part(path: &str) -> PartReading {
    let snapshot = wear::snapshot();
    let found: Vec<PartReading> = snapshot.parts.into_iter().filter(|p| p.path == path).collect();
    assert_eq!(found.len(), 1, "expected exactly one part `{path}`");
    found.into_iter().next().expect("one part")
}

fn calls(path: &str) -> u64 {
    part(path).calls
}

// ---- free functions, generics, lifetimes, where clauses ------------------------------------

#[wear::tracked]
fn free(a: u32, b: u32) -> u32 {
    a + b
}

#[wear::tracked]
fn generic<T: Clone>(value: &T) -> T {
    value.clone()
}

#[wear::tracked]
fn longest<'a, 'b>(a: &'a str, b: &'b str) -> &'a str
where
    'b: 'a,
{
    if a.len() >= b.len() { a } else { b }
}

#[wear::tracked]
fn with_where<I>(items: I) -> usize
where
    I: IntoIterator,
    I::Item: Into<u64>,
{
    items.into_iter().map(Into::into).filter(|v: &u64| *v > 1).count()
}

#[wear::tracked]
fn returns_impl_trait(n: u32) -> impl Iterator<Item = u32> + Clone {
    (0..n).map(|i| i * 2)
}

/// A documented function.
#[wear::tracked]
#[must_use = "the sum is the point"]
#[inline]
fn documented(a: u8) -> u8 {
    a.wrapping_mul(3)
}

#[wear::tracked]
unsafe fn unsafe_read(p: *const u32) -> u32 {
    // SAFETY: callers pass a valid pointer.
    unsafe { *p }
}

#[wear::tracked]
extern "C" fn c_abi(x: i32) -> i32 {
    x - 1
}

struct Point {
    x: i32,
    y: i32,
}

#[wear::tracked]
fn patterns((a, b): (i32, i32), Point { x, y }: Point, [first, ..]: [u8; 3], _: ()) -> i32 {
    a * b + x * y + i32::from(first)
}

#[wear::tracked]
fn diverges(message: &str) -> ! {
    panic!("{message}")
}

#[test]
fn free_functions_behave_and_are_counted() {
    assert_eq!(free(2, 3), 5);
    assert_eq!(free(4, 4), 8);
    assert_eq!(calls("shapes::free"), 2);

    assert_eq!(longest("abc", "de"), "abc");
    assert_eq!(calls("shapes::longest"), 1);

    assert_eq!(with_where([1u8, 2, 3]), 2);
    assert_eq!(calls("shapes::with_where"), 1);

    let doubled: Vec<u32> = returns_impl_trait(3).collect();
    assert_eq!(doubled, [0, 2, 4]);
    assert_eq!(calls("shapes::returns_impl_trait"), 1);

    assert_eq!(documented(5), 15);
    assert_eq!(calls("shapes::documented"), 1);

    let value = 41;
    // SAFETY: a valid pointer to a live u32.
    assert_eq!(unsafe { unsafe_read(&value) }, 41);
    assert_eq!(calls("shapes::unsafe_read"), 1);

    let f: extern "C" fn(i32) -> i32 = c_abi;
    assert_eq!(f(10), 9);
    assert_eq!(calls("shapes::c_abi"), 1);

    assert_eq!(patterns((2, 3), Point { x: 4, y: 5 }, [7, 8, 9], ()), 33);
    assert_eq!(calls("shapes::patterns"), 1);
}

#[test]
fn generic_functions_are_one_part_across_instantiations() {
    assert_eq!(generic(&7u8), 7);
    assert_eq!(generic(&String::from("x")), "x");
    assert_eq!(generic(&vec![1, 2]), [1, 2]);
    assert_eq!(calls("shapes::generic"), 3);
}

#[test]
fn diverging_functions_are_counted_and_still_panic() {
    let outcome = std::panic::catch_unwind(|| diverges("boom"));
    let payload = outcome.expect_err("diverges panics");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("boom"));
    assert_eq!(calls("shapes::diverges"), 1);
}

// ---- methods: inherent, trait impls, default methods, receivers ------------------------------

#[derive(Clone, Debug, PartialEq)]
struct Cart {
    items: Vec<u32>,
}

struct Basket {
    items: Vec<u32>,
}

impl Cart {
    #[wear::tracked]
    fn add(&mut self, item: u32) -> usize {
        self.items.push(item);
        self.items.len()
    }

    #[wear::tracked]
    fn new() -> Self {
        Cart { items: Vec::new() }
    }

    #[wear::tracked]
    fn pinned(self: Pin<&mut Self>) -> usize {
        self.items.len()
    }

    #[wear::tracked]
    fn boxed(self: Box<Self>) -> Vec<u32> {
        self.items
    }

    #[wear::tracked]
    fn shared(self: Rc<Self>) -> usize {
        Rc::strong_count(&self)
    }
}

impl Basket {
    #[wear::tracked]
    fn add(&mut self, item: u32) -> usize {
        self.items.push(item);
        self.items.len() * 10
    }
}

trait Pricing {
    fn items(&self) -> &[u32];

    #[wear::tracked]
    fn total(&self) -> u32 {
        self.items().iter().sum()
    }
}

impl Pricing for Cart {
    fn items(&self) -> &[u32] {
        &self.items
    }
}

impl std::fmt::Display for Cart {
    #[wear::tracked]
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cart of {}", self.items.len())
    }
}

impl From<u8> for Basket {
    #[wear::tracked]
    fn from(n: u8) -> Self {
        Basket { items: vec![u32::from(n)] }
    }
}

impl From<u16> for Basket {
    #[wear::tracked]
    fn from(n: u16) -> Self {
        Basket { items: vec![u32::from(n), 0] }
    }
}

#[test]
fn methods_are_counted_under_their_types() {
    let mut cart = Cart::new();
    assert_eq!(cart.add(3), 1);
    assert_eq!(cart.add(4), 2);
    let mut basket = Basket { items: Vec::new() };
    assert_eq!(basket.add(3), 10);

    assert_eq!(calls("shapes::Cart::new"), 1);
    assert_eq!(calls("shapes::Cart::add"), 2);
    assert_eq!(calls("shapes::Basket::add"), 1, "same name, other type: another part");

    assert_eq!(cart.total(), 7);
    assert_eq!(calls("shapes::Pricing::total"), 1);
    assert_eq!(cart.to_string(), "cart of 2");
    assert_eq!(calls("<shapes::Cart as Display>::fmt"), 1);

    assert_eq!(Basket::from(1u8).items, [1]);
    assert_eq!(Basket::from(1u16).items, [1, 0]);
    assert_eq!(Basket::from(2u16).items, [2, 0]);
    assert_eq!(calls("<shapes::Basket as From<u8>>::from"), 1);
    assert_eq!(calls("<shapes::Basket as From<u16>>::from"), 2);
}

#[test]
fn receivers_pin_box_rc() {
    let mut cart = Cart { items: vec![1, 2] };
    assert_eq!(Pin::new(&mut cart).pinned(), 2);
    assert_eq!(Box::new(cart.clone()).boxed(), [1, 2]);
    let rc = Rc::new(cart);
    let _other = Rc::clone(&rc);
    assert_eq!(rc.shared(), 2);
    assert_eq!(calls("shapes::Cart::pinned"), 1);
    assert_eq!(calls("shapes::Cart::boxed"), 1);
    assert_eq!(calls("shapes::Cart::shared"), 1);
}

// ---- whole impls, traits and modules ------------------------------------------------------

struct Ledger {
    entries: Vec<i64>,
}

#[wear::tracked(limit_calls = 1_000, interval = "180d")]
impl Ledger {
    fn record(&mut self, amount: i64) {
        self.entries.push(amount);
    }

    fn balance(&self) -> i64 {
        self.entries.iter().sum()
    }

    #[wear::tracked(skip)]
    fn untracked(&self) -> usize {
        self.entries.len()
    }

    const fn capacity_hint() -> usize {
        16
    }

    #[wear::tracked(limit_calls = 5)]
    fn audited(&self) -> bool {
        !self.entries.is_empty()
    }
}

#[wear::tracked]
trait Greeter {
    fn name(&self) -> String;

    fn greet(&self) -> String {
        format!("hello {}", self.name())
    }
}

struct English;

impl Greeter for English {
    fn name(&self) -> String {
        "world".to_owned()
    }
}

#[wear::tracked]
mod billing {
    pub fn charge(cents: u64) -> u64 {
        cents + tax(cents)
    }

    fn tax(cents: u64) -> u64 {
        cents / 10
    }

    #[wear::tracked(skip)]
    pub fn quiet() -> u8 {
        1
    }

    pub struct Invoice(pub u64);

    impl Invoice {
        pub fn total(&self) -> u64 {
            charge(self.0)
        }
    }

    pub mod refunds {
        pub fn refund(cents: u64) -> u64 {
            cents
        }
    }
}

#[test]
fn impl_blocks_track_every_method_but_skipped_and_const() {
    let mut ledger = Ledger { entries: Vec::new() };
    ledger.record(5);
    ledger.record(-2);
    assert_eq!(ledger.balance(), 3);
    assert_eq!(ledger.untracked(), 2);
    assert_eq!(Ledger::capacity_hint(), 16);
    assert!(ledger.audited());

    assert_eq!(calls("shapes::Ledger::record"), 2);
    assert_eq!(calls("shapes::Ledger::balance"), 1);
    let names: Vec<String> = wear::snapshot().parts.into_iter().map(|p| p.path).collect();
    assert!(!names.contains(&"shapes::Ledger::untracked".to_owned()));
    assert!(!names.contains(&"shapes::Ledger::capacity_hint".to_owned()));

    let record = part("shapes::Ledger::record");
    let limits = record.limits.expect("limits from the impl");
    assert_eq!(limits.calls, Some(1_000));
    assert_eq!(limits.interval.as_deref(), Some("180d"));
    let audited = part("shapes::Ledger::audited").limits.expect("own limits");
    assert_eq!(audited.calls, Some(5), "the method's own limit wins");
    assert_eq!(audited.interval, limits.interval, "the impl's interval fills in");
}

#[test]
fn traits_track_their_default_methods() {
    assert_eq!(English.greet(), "hello world");
    assert_eq!(calls("shapes::Greeter::greet"), 1);
}

#[test]
fn modules_track_functions_and_impls_inside() {
    assert_eq!(billing::charge(100), 110);
    assert_eq!(billing::Invoice(50).total(), 55);
    assert_eq!(billing::quiet(), 1);
    assert_eq!(billing::refunds::refund(7), 7);
    assert_eq!(calls("shapes::billing::charge"), 2);
    assert_eq!(calls("shapes::billing::tax"), 2);
    assert_eq!(calls("shapes::billing::Invoice::total"), 1);
    assert_eq!(calls("shapes::billing::refunds::refund"), 1);
    assert!(!wear::snapshot().parts.iter().any(|p| p.path == "shapes::billing::quiet"));
}

// ---- macro_rules! expansions -----------------------------------------------------------------

macro_rules! tracked_getter {
    ($name:ident, $value:expr) => {
        #[wear::tracked]
        fn $name() -> u32 {
            $value
        }
    };
}

tracked_getter!(forty_two, 42);
tracked_getter!(seven, 7);

#[test]
fn functions_made_by_macro_rules_are_parts() {
    assert_eq!(forty_two(), 42);
    assert_eq!(seven(), 7);
    assert_eq!(seven(), 7);
    assert_eq!(calls("shapes::forty_two"), 1);
    assert_eq!(calls("shapes::seven"), 2);
    assert_ne!(part("shapes::forty_two").serial, part("shapes::seven").serial);
}

// ---- async ---------------------------------------------------------------------------------

/// Pending once, then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[wear::tracked]
async fn fetch(id: u32) -> u32 {
    YieldOnce(false).await;
    id * 2
}

#[wear::tracked(failures)]
async fn fetch_checked(id: u32) -> Result<u32, String> {
    YieldOnce(false).await;
    let parsed: u32 = id.to_string().parse().map_err(|_| "bad".to_owned())?;
    if parsed == 0 { Err("zero".to_owned()) } else { Ok(parsed) }
}

#[test]
fn async_fns_are_counted_once_per_call() {
    // Polled to completion (two polls): one call.
    assert_eq!(block_on(fetch(4)), 8);
    assert_eq!(calls("shapes::fetch"), 1);

    // Polled once, then dropped while pending: still one call.
    {
        let mut future = std::pin::pin!(fetch(5));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(calls("shapes::fetch"), 2);

    // Created and dropped without a poll: none of its code ran, so no call (documented).
    drop(fetch(6));
    assert_eq!(calls("shapes::fetch"), 2);

    assert_eq!(block_on(fetch_checked(3)), Ok(3));
    assert_eq!(block_on(fetch_checked(0)), Err("zero".to_owned()));
    {
        // Cancelled mid-way: a call, not a failure.
        let mut future = std::pin::pin!(fetch_checked(0));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    let checked = part("shapes::fetch_checked");
    assert_eq!((checked.calls, checked.failures), (3, Some(1)));
}

// ---- failures and timing -------------------------------------------------------------------

#[wear::tracked(failures)]
fn parse_amount(text: &str) -> Result<u64, std::num::ParseIntError> {
    let value: u64 = text.trim().parse()?;
    Ok(value * 100)
}

#[wear::tracked(failures)]
fn may_panic(fail: bool) -> u8 {
    assert!(!fail, "asked to fail");
    1
}

#[wear::tracked(failures)]
fn early_return(x: i32) -> Result<i32, String> {
    if x < 0 {
        return Err(format!("{x} is negative"));
    }
    Ok(x)
}

#[wear::tracked(timed)]
fn timed_sleep(micros: u64) -> u64 {
    std::thread::sleep(std::time::Duration::from_micros(micros));
    micros
}

#[wear::tracked(timed, failures)]
fn timed_and_failing(ok: bool) -> Result<(), ()> {
    wear_tests::outlast_sampling();
    if ok { Ok(()) } else { Err(()) }
}

#[test]
fn failures_count_errors_and_unwinds_and_leave_results_alone() {
    assert_eq!(parse_amount(" 12 "), Ok(1200));
    assert!(parse_amount("x").is_err());
    assert!(parse_amount("").is_err());
    let amount = part("shapes::parse_amount");
    assert_eq!((amount.calls, amount.failures), (3, Some(2)));

    assert_eq!(may_panic(false), 1);
    let payload = std::panic::catch_unwind(|| may_panic(true)).expect_err("panics");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"asked to fail"), "the panic is unchanged");
    let panicky = part("shapes::may_panic");
    assert_eq!((panicky.calls, panicky.failures), (2, Some(1)));

    assert_eq!(early_return(-1), Err("-1 is negative".to_owned()));
    assert_eq!(early_return(1), Ok(1));
    assert_eq!(part("shapes::early_return").failures, Some(1));

    assert_eq!(part("shapes::free").failures, None, "not counted unless asked");
}

#[test]
fn timed_parts_record_busy_time_and_latency() {
    for _ in 0..3 {
        assert_eq!(timed_sleep(2_000), 2_000);
    }
    let reading = part("shapes::timed_sleep");
    assert_eq!(reading.calls, 3);
    let busy = reading.busy_ns.expect("timed");
    assert!(busy >= 6_000_000, "three sleeps of 2 ms, got {busy} ns");
    let latency = reading.latency_ns.expect("timed");
    assert_eq!(latency.count, 3);
    assert!(latency.p50 >= 2_000_000 * 7 / 8, "p50 {} ns", latency.p50);
    assert!(latency.max >= latency.p50 && latency.p99 >= latency.p90 && latency.p90 >= latency.p50);

    assert_eq!(timed_and_failing(true), Ok(()));
    assert_eq!(timed_and_failing(false), Err(()));
    let both = part("shapes::timed_and_failing");
    assert_eq!((both.calls, both.failures, both.latency_ns.map(|l| l.count)), (2, Some(1), Some(2)));
    assert_eq!(part("shapes::free").busy_ns, None, "not timed unless asked");
}

// ---- how real crates write them: cfg before the attribute, cfg_attr, earlier macros ---------

#[cfg(any(unix, windows))]
#[wear::tracked]
#[inline]
fn cfg_before_the_attribute() -> u8 {
    1
}

#[cfg_attr(any(unix, windows), wear::tracked)]
fn tracked_through_cfg_attr() -> u8 {
    2
}

#[wear::tracked]
#[cfg_attr(miri, inline(never))]
#[cfg_attr(any(unix, windows), must_use)]
fn cfg_attr_after_the_attribute() -> u8 {
    3
}

/// `#[instrument]` runs first and rewrites the body: the serial still comes from the text.
#[tracing::instrument]
#[wear::tracked]
fn rewritten_by_an_earlier_macro(x: u8) -> u8 {
    /// Doc comments in a body are comments too.
    const ONE: u8 = 1;
    x + ONE
}

#[test]
fn attributes_around_the_attribute_change_nothing() {
    assert_eq!(cfg_before_the_attribute() + tracked_through_cfg_attr() + cfg_attr_after_the_attribute(), 6);
    assert_eq!(rewritten_by_an_earlier_macro(1), 2);
    for path in [
        "shapes::cfg_before_the_attribute",
        "shapes::tracked_through_cfg_attr",
        "shapes::cfg_attr_after_the_attribute",
        "shapes::rewritten_by_an_earlier_macro",
    ] {
        assert_eq!(calls(path), 1, "{path}");
    }
}

// ---- nested functions ------------------------------------------------------------------------

#[wear::tracked]
fn outer_a() -> u8 {
    #[wear::tracked]
    fn helper() -> u8 {
        4
    }
    helper()
}

#[wear::tracked]
fn outer_b() -> u8 {
    #[wear::tracked]
    fn helper() -> u8 {
        5
    }
    let in_closure = || {
        #[wear::tracked]
        fn from_a_closure() -> u8 {
            6
        }
        from_a_closure()
    };
    helper() + helper() + in_closure()
}

impl Point {
    #[wear::tracked]
    fn with_local_type(&self) -> i32 {
        struct Local(i32);
        impl Local {
            #[wear::tracked]
            fn doubled(&self) -> i32 {
                self.0 * 2
            }
        }
        Local(self.x).doubled()
    }
}

#[test]
fn nested_functions_are_named_under_the_function_around_them() {
    assert_eq!(outer_a() + outer_b(), 20);
    assert_eq!(Point { x: 3, y: 0 }.with_local_type(), 6);
    assert_eq!(calls("shapes::outer_a::helper"), 1);
    assert_eq!(calls("shapes::outer_b::helper"), 2, "two helpers of one name are two parts");
    assert_eq!(calls("shapes::outer_b::from_a_closure"), 1);
    assert_eq!(calls("shapes::Point::with_local_type::Local::doubled"), 1);
}

// ---- impls on types that are not items of the module ----------------------------------------

trait Encodable {
    fn read(&self) -> usize;
}

impl Encodable for u8 {
    #[wear::tracked]
    fn read(&self) -> usize {
        usize::from(*self)
    }
}

#[wear::tracked]
impl Encodable for &str {
    fn read(&self) -> usize {
        self.len()
    }
}

#[wear::tracked]
impl Encodable for [u16] {
    fn read(&self) -> usize {
        self.len()
    }
}

#[wear::tracked]
impl Encodable for (u8, char) {
    fn read(&self) -> usize {
        usize::from(self.0) + self.1.len_utf8()
    }
}

#[wear::tracked]
impl Encodable for dyn Fn() -> usize {
    fn read(&self) -> usize {
        self()
    }
}

#[wear::tracked]
impl<T: Encodable> Encodable for Option<T> {
    fn read(&self) -> usize {
        self.as_ref().map_or(0, Encodable::read)
    }
}

trait Tagged {
    fn tag(&self) -> u8;
}

#[wear::tracked]
impl dyn Tagged {
    fn tag_twice(&self) -> u8 {
        self.tag() * 2
    }
}

impl Tagged for u8 {
    fn tag(&self) -> u8 {
        *self
    }
}

#[test]
fn impls_on_primitives_references_slices_tuples_and_dyn_are_named_as_read() {
    let total = 7u8.read()
        + "abc".read()
        + [1u16, 2][..].read()
        + (1u8, 'é').read()
        + (&(|| 4usize) as &dyn Fn() -> usize).read()
        + Some(2u8).read();
    assert_eq!(total, 7 + 3 + 2 + 3 + 4 + 2);
    assert_eq!((&5u8 as &dyn Tagged).tag_twice(), 10);
    assert_eq!(calls("shapes::<u8 as Encodable>::read"), 2, "7u8 and the one in Some(2u8)");
    for path in [
        "shapes::<&str as Encodable>::read",
        "shapes::<[u16] as Encodable>::read",
        "shapes::<(u8, char) as Encodable>::read",
        "shapes::<dyn Fn() -> usize as Encodable>::read",
        "<shapes::Option<T> as Encodable>::read",
        "shapes::<dyn Tagged>::tag_twice",
    ] {
        assert_eq!(calls(path), 1, "{path}");
    }
}

// ---- contract 1: the program's parts are the scanner's parts ---------------------------------

#[test]
fn registered_parts_match_the_source_scan_exactly() {
    let sites = wear_identity::site::sites_in_source(include_str!("shapes.rs")).expect("this file parses");
    let mut scanned: Vec<(String, String, [u32; 2])> = sites
        .iter()
        .filter(|s| matches!(s.tracked, Some(Ok(_))))
        .map(|s| {
            let lines = [s.lines.0 as u32, s.lines.1 as u32];
            (s.part_path("shapes"), s.serial.to_string(), lines)
        })
        .collect();
    scanned.sort();

    // Functions made by `macro_rules!` are not in the text; everything else must match.
    let made_by_macros = ["shapes::forty_two", "shapes::seven"];
    let mut registered: Vec<(String, String, [u32; 2])> = wear::snapshot()
        .parts
        .into_iter()
        .filter(|p| p.file.ends_with("shapes.rs") && !made_by_macros.contains(&p.path.as_str()))
        .map(|p| (p.path, p.serial, p.lines))
        .collect();
    registered.sort();
    assert_eq!(registered, scanned);
    assert!(registered.len() >= 30, "{} parts", registered.len());
}

#[expect(dead_code, reason = "a part in storage, on purpose")]
#[wear::tracked(timed, failures)]
fn in_storage() -> Result<(), ()> {
    Ok(())
}

#[test]
fn parts_never_called_are_listed_with_zero_calls() {
    let unused = part("shapes::in_storage");
    assert_eq!((unused.calls, unused.failures, unused.busy_ns), (0, Some(0), Some(0)));
    assert_eq!(unused.latency_ns.map(|l| l.count), Some(0));
}
