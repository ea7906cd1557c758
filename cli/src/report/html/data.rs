//! The page's data, column by column: what the script needs to draw the treemap at any level,
//! fill the table and show a part's history, in as few bytes as keep it exact. Files,
//! modules, limits and people are interned; instants are seconds; fills are palette steps
//! ([`colour`]); a column no part has a value in is `null` as a whole; what few parts have
//! (a sign-off, remarks, a path not under its module) is keyed by part index. Words and dates
//! are made by the script from these numbers, as the terminal makes them (`12.3k`, `2026-10-01
//! (50d ago)`); which quadrant a part is in, and where its dot goes, are decided here.
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use super::colour::{self, Hue, NO_DATA, Scales};
use super::wearmap::Dot;
use super::{Area, PageOptions, json_for_script};
use crate::due::{DueItem, DueList, Status};
use crate::present::names::{top_level_segments, trait_impl_self_type};
use crate::report::{limit_text, limit_word};
use crate::time::{DAY, format_date};
use crate::wear_map::Quadrant;

/// Width and height of the treemap, in layout units (the SVG scales to the page).
pub(super) const TREEMAP_SIZE: (f64, f64) = (960.0, 500.0);

/// Statuses by the code the `s` column holds.
const STATUSES: [Status; 5] =
    [Status::Overdue, Status::DueSoon, Status::Serviceable, Status::InStorage, Status::Unknown];

/// Everything the page's script needs.
#[derive(Serialize)]
struct PageData<'a> {
    /// The report's instant, seconds since the epoch.
    now: i64,
    /// Status words by code.
    statuses: Vec<&'static str>,
    /// Modules as `[parent or null, label]`, every parent before its children.
    modules: Vec<(Option<usize>, String)>,
    files: Vec<&'a str>,
    /// `calls (100k)`, `age (365d)`: a nearest limit without its percent.
    limits: Vec<String>,
    people: Vec<&'a str>,
    /// Fills by step, lowest first, and the fill of no data.
    palette: Vec<String>,
    no_data: &'static str,
    /// The scale and area the page opens on.
    open: Open,
    /// Where each location links: `{"file": URL}` of the workspace root, ending in `/`, or
    /// `{"url": TEMPLATE}` with `{file}` and `{line}` to fill in.
    source: Option<Source>,
    parts: Columns<'a>,
    /// `[path, name]` of parts whose path is not their module's path and a name.
    whole: BTreeMap<usize, (&'a str, &'a str)>,
    /// The latest sign-off in words, of the parts signed off.
    signed: BTreeMap<usize, String>,
    remarks: BTreeMap<usize, &'a [String]>,
    /// The wear map's dots and its quadrants' names by index.
    dots: Vec<Dot>,
    quadrants: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Source {
    File(String),
    Url(String),
}

#[derive(Serialize)]
struct Open {
    colour: &'static str,
    area: Area,
}

/// One vector per field, indexed by part; see the page's script for the reading side.
#[derive(Serialize)]
struct Columns<'a> {
    /// Module index.
    m: Vec<usize>,
    /// The path's last segment (the path is the module's path, `::`, this).
    t: Vec<&'a str>,
    /// File index, first line, and number of lines.
    f: Vec<usize>,
    l: Vec<u32>,
    n: Vec<u32>,
    /// Status code.
    s: Vec<u8>,
    /// Calls since overhaul; calls since new less those (mostly 0; all of them when the current
    /// serial has no usage yet); failures; busy nanoseconds.
    c: Option<Vec<Option<u64>>>,
    cn: Option<Vec<Option<u64>>>,
    fl: Option<Vec<Option<u64>>>,
    b: Option<Vec<Option<u64>>>,
    /// Whole percent of the nearest limit, and that limit's index.
    w: Option<Vec<Option<f64>>>,
    lim: Option<Vec<Option<usize>>>,
    /// Overhauled (seconds since the epoch); seconds from the oldest line to it (mostly 0);
    /// the projected due day (days since the epoch).
    o: Option<Vec<Option<i64>>>,
    ol: Option<Vec<Option<i64>>>,
    d: Option<Vec<Option<i64>>>,
    /// Commits, author indices, serial.
    k: Vec<u32>,
    a: Vec<Vec<usize>>,
    e: Vec<&'a str>,
    /// Palette steps on the wear and the age scale.
    hw: Option<Vec<Option<u8>>>,
    ha: Option<Vec<Option<u8>>>,
}

/// The page's colour scales: age runs to the oldest part.
pub(super) fn scales(list: &DueList) -> Scales {
    let ages: Vec<f64> = list.parts.iter().filter_map(|p| age_days(list, p)).collect();
    Scales::new(&ages)
}

/// Days from the part's overhaul to the report's instant, when the part is in git.
fn age_days(list: &DueList, item: &DueItem) -> Option<f64> {
    item.overhauled_at.map(|t| (list.now.saturating_sub(t)).max(0) as f64 / DAY as f64)
}

/// Values interned in order of first use.
struct Interner<K> {
    index: HashMap<K, usize>,
    items: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Interner<K> {
    fn new() -> Self {
        Interner { index: HashMap::new(), items: Vec::new() }
    }

    fn of(&mut self, key: K) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        self.items.push(key.clone());
        self.index.insert(key, self.items.len() - 1);
        self.items.len() - 1
    }
}

/// The page's data as JSON safe inside its `<script>` element.
pub(super) fn page_data(
    list: &DueList,
    scales: &Scales,
    dots: Vec<Dot>,
    hue: Hue,
    area: Area,
    page: &PageOptions,
) -> String {
    let parts = &list.parts;
    let mut modules: Interner<(Option<usize>, String)> = Interner::new();
    let mut files: Interner<&str> = Interner::new();
    let mut limits: Interner<String> = Interner::new();
    let mut people: Interner<&str> = Interner::new();
    let mut whole = BTreeMap::new();
    let mut cols = Columns {
        m: Vec::with_capacity(parts.len()),
        t: Vec::with_capacity(parts.len()),
        f: Vec::with_capacity(parts.len()),
        l: parts.iter().map(|p| p.lines[0]).collect(),
        n: parts.iter().map(|p| p.lines[1].saturating_sub(p.lines[0]) + 1).collect(),
        s: parts.iter().map(|p| STATUSES.iter().position(|s| *s == p.status).unwrap_or(4) as u8).collect(),
        c: column(parts.iter().map(|p| p.calls_since_overhaul)),
        cn: column(
            parts
                .iter()
                .map(|p| p.calls_since_new.map(|n| n.saturating_sub(p.calls_since_overhaul.unwrap_or(0)))),
        ),
        fl: column(parts.iter().map(|p| p.failures)),
        b: column(parts.iter().map(|p| p.busy_ns)),
        w: column(parts.iter().map(|p| p.nearest.as_ref().and_then(|n| whole_percent(n.percent)))),
        lim: None,
        o: column(parts.iter().map(|p| p.overhauled_at)),
        ol: column(parts.iter().map(|p| p.overhauled_at.zip(p.oldest_line_at).map(|(o, ol)| o - ol))),
        d: column(parts.iter().map(|p| p.projected_due.map(|t| t.div_euclid(DAY)))),
        k: parts.iter().map(|p| p.commits).collect(),
        a: Vec::with_capacity(parts.len()),
        e: parts.iter().map(|p| p.serial.as_str()).collect(),
        hw: column(parts.iter().map(|p| scales.step(Hue::Wear, p.nearest.as_ref().map(|n| n.percent)))),
        ha: column(parts.iter().map(|p| scales.step(Hue::Age, age_days(list, p)))),
    };
    cols.lim = column(parts.iter().map(|p| {
        p.nearest
            .as_ref()
            .map(|n| limits.of(format!("{} ({})", limit_word(n.kind), limit_text(n.kind, &n.limit))))
    }));
    for (i, item) in parts.iter().enumerate() {
        let segments = module_segments(&item.part);
        let mut module = None;
        for segment in &segments {
            module = Some(modules.of((module, (*segment).to_owned())));
        }
        let module = module.unwrap_or_else(|| modules.of((None, "(no module)".to_owned())));
        let name = top_level_segments(&item.part).last().copied().unwrap_or(&item.part);
        let prefix = segments.join("::");
        match item.part.strip_prefix(&prefix).and_then(|rest| rest.strip_prefix("::")) {
            Some(tail) if !segments.is_empty() && tail == name => cols.t.push(tail),
            _ => {
                cols.t.push(name);
                whole.insert(i, (item.part.as_str(), name));
            }
        }
        cols.m.push(module);
        cols.f.push(files.of(item.file.as_str()));
        cols.a.push(item.authors.iter().map(|a| people.of(a.as_str())).collect());
    }
    let data = PageData {
        now: list.now,
        statuses: STATUSES.iter().map(|s| s.as_str()).collect(),
        modules: modules.items,
        files: files.items,
        limits: limits.items,
        people: people.items,
        palette: colour::palette(),
        no_data: NO_DATA,
        open: Open { colour: hue.name(), area },
        source: source(list, page),
        parts: cols,
        whole,
        signed: parts.iter().enumerate().filter_map(|(i, p)| signed_off(p).map(|s| (i, s))).collect(),
        remarks: parts
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.remarks.is_empty())
            .map(|(i, p)| (i, &p.remarks[..]))
            .collect(),
        dots,
        quadrants: Quadrant::ALL.iter().map(|q| q.name()).collect(),
    };
    json_for_script(&data)
}

/// The values as a column, or `None` when no part has one.
fn column<T>(values: impl Iterator<Item = Option<T>>) -> Option<Vec<Option<T>>> {
    let values: Vec<Option<T>> = values.collect();
    values.iter().any(Option::is_some).then_some(values)
}

/// A percent rounded as the terminal shows it (`87%`), or `None` when it could not be
/// computed (shown as `?%`).
fn whole_percent(p: f64) -> Option<f64> {
    p.is_finite().then(|| format!("{:.0}", p.max(0.0)).parse().unwrap_or(0.0))
}

/// The module frames a part sits in: its path without the last segment, or the self type's
/// path for a trait impl (`<shop::cart::Cart<T> as From<u8>>::from` → `shop`, `cart`,
/// `Cart<T>`).
pub(super) fn module_segments(part: &str) -> Vec<&str> {
    match trait_impl_self_type(part) {
        Some(self_type) => top_level_segments(self_type),
        None => {
            let mut all = top_level_segments(part);
            all.pop();
            all
        }
    }
}

/// The latest sign-off in words: its date, who signed and the note (text the page shows with
/// `textContent`, never as markup).
fn signed_off(item: &DueItem) -> Option<String> {
    let at = item.signed_off_at?;
    let mut text = format_date(at);
    if let Some(by) = &item.signed_off_by {
        text.push_str(&format!(" by {by}"));
    }
    if let Some(note) = &item.signoff_note {
        text.push_str(&format!(": {note}"));
    }
    Some(text)
}

/// Where the page links each location: the policy's URL with the commit filled in, or the
/// files in the workspace when there is no URL or no commit for its `{rev}`.
fn source(list: &DueList, page: &PageOptions) -> Option<Source> {
    let url = page.source_url.as_deref().and_then(|url| match &list.head {
        Some(head) => Some(url.replace("{rev}", head)),
        None => (!url.contains("{rev}")).then(|| url.to_owned()),
    });
    url.map(Source::Url).or_else(|| page.source_root.as_deref().map(|root| Source::File(file_url(root))))
}

/// `file://` URL of the directory `root`, ending in `/`, with every byte but unreserved ones
/// and `/` percent-encoded.
fn file_url(root: &Path) -> String {
    let mut url = String::from("file://");
    for byte in root.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            b => url.push_str(&format!("%{b:02X}")),
        }
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}
