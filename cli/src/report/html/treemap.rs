//! The treemap's layout: parts grouped by module (the part path without its last segment,
//! nested at `::`, single-child chains merged into one group) and laid out with the squarified
//! algorithm of Bruls, Huizing and van Wijk (2000), so cells stay close to squares and small
//! parts stay clickable. It is computed here, not in the page's script, so that it is
//! unit-tested, byte-for-byte reproducible and the page only has to place rectangles when the
//! area switch changes from calls to lines (both layouts are embedded).
use std::collections::BTreeMap;

use serde::Serialize;

/// Padding between a group's edge and its content, in layout units.
const PAD: f64 = 2.0;

/// Height of a group's label strip.
const HEADER: f64 = 14.0;

/// A rectangle in layout units, written as `[x, y, width, height]` rounded to hundredths.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

impl Serialize for Rect {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let round = |v: f64| if v.is_finite() { (v * 100.0).round() / 100.0 } else { 0.0 };
        [round(self.x), round(self.y), round(self.w), round(self.h)].serialize(s)
    }
}

/// A module's frame in the treemap.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(super) struct Group {
    /// The module path this frame holds, e.g. `shop::cart`.
    pub(crate) name: String,
    /// Its name inside the frame around it, e.g. `cart`.
    pub(crate) label: String,
    /// 0 for a top-level group.
    pub(crate) depth: u32,
    /// Its frame.
    pub(crate) rect: Rect,
    /// Whether the frame has room for a label strip at its top.
    pub(crate) header: bool,
}

/// One layout of every part.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub(super) struct Layout {
    /// The cell of each part, in the order the parts were given.
    pub(crate) parts: Vec<Rect>,
    /// The module frames, outer ones before the groups they hold.
    pub(crate) groups: Vec<Group>,
}

/// A module: its sub-modules by name and the parts directly in it.
#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    parts: Vec<usize>,
}

impl Node {
    fn weight(&self, weights: &[f64]) -> f64 {
        self.parts.iter().map(|&i| weights[i]).sum::<f64>()
            + self.children.values().map(|c| c.weight(weights)).sum::<f64>()
    }
}

/// Lays out parts with the given module paths (`groups[i]`, segments outermost first) and
/// weights (positive) in a `width` x `height` box.
pub(super) fn layout(groups: &[Vec<String>], weights: &[f64], width: f64, height: f64) -> Layout {
    let mut root = Node::default();
    for (i, segments) in groups.iter().enumerate() {
        let mut node = &mut root;
        for segment in segments {
            node = node.children.entry(segment.clone()).or_default();
        }
        node.parts.push(i);
    }
    let mut out = Layout { parts: vec![Rect::default(); weights.len()], groups: Vec::new() };
    place(&root, Rect { x: 0.0, y: 0.0, w: width, h: height }, "", 0, weights, &mut out);
    out
}

/// An item to place inside a group: a sub-module (with its merged and full names) or a part.
enum Item<'a> {
    Group(String, String, &'a Node),
    Part(usize),
}

/// Places the content of `node` inside `rect`.
fn place(node: &Node, rect: Rect, prefix: &str, depth: u32, weights: &[f64], out: &mut Layout) {
    let mut items: Vec<(f64, Item<'_>)> = Vec::new();
    for (name, child) in &node.children {
        let (name, child) = merge_chain(name, child);
        let full = if prefix.is_empty() { name.clone() } else { format!("{prefix}::{name}") };
        items.push((child.weight(weights), Item::Group(name, full, child)));
    }
    items.extend(node.parts.iter().map(|&i| (weights[i], Item::Part(i))));
    // Largest first, as the algorithm wants; ties in the order above (groups by name, then
    // parts in input order), which the sort keeps.
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    let rects = squarify(&items.iter().map(|(w, _)| *w).collect::<Vec<_>>(), rect);
    for ((_, item), cell) in items.into_iter().zip(rects) {
        match item {
            Item::Part(i) => out.parts[i] = cell,
            Item::Group(label, name, child) => {
                let header = cell.w > 40.0 && cell.h > 2.5 * HEADER;
                let top = if header { HEADER } else { PAD };
                let inner = Rect {
                    x: cell.x + PAD,
                    y: cell.y + top,
                    w: (cell.w - 2.0 * PAD).max(0.0),
                    h: (cell.h - top - PAD).max(0.0),
                };
                let inner = if inner.w > 0.0 && inner.h > 0.0 { inner } else { cell };
                out.groups.push(Group { name: name.clone(), label, depth, rect: cell, header });
                place(child, inner, &name, depth + 1, weights, out);
            }
        }
    }
}

/// `a` holding only `b` (and no parts) is drawn as one group `a::b`.
fn merge_chain<'a>(name: &str, mut node: &'a Node) -> (String, &'a Node) {
    let mut name = name.to_owned();
    while node.parts.is_empty() && node.children.len() == 1 {
        let (child_name, child) = node.children.iter().next().expect("one child");
        name = format!("{name}::{child_name}");
        node = child;
    }
    (name, node)
}

/// Splits `rect` into rectangles with areas proportional to `weights` (sorted largest first),
/// in rows along the shorter side, each row grown while that improves its worst aspect ratio.
fn squarify(weights: &[f64], rect: Rect) -> Vec<Rect> {
    let total: f64 = weights.iter().sum();
    if total.is_nan() || total <= 0.0 || rect.w <= 0.0 || rect.h <= 0.0 {
        return vec![Rect { w: 0.0, h: 0.0, ..rect }; weights.len()];
    }
    let scale = rect.w * rect.h / total;
    let areas: Vec<f64> = weights.iter().map(|w| w * scale).collect();
    let mut out = Vec::with_capacity(areas.len());
    let mut free = rect;
    let mut start = 0;
    while start < areas.len() {
        let side = free.w.min(free.h);
        let mut end = start + 1;
        while end < areas.len() && worst(&areas[start..=end], side) <= worst(&areas[start..end], side) {
            end += 1;
        }
        let row = &areas[start..end];
        let row_area: f64 = row.iter().sum();
        if end == areas.len() {
            // The last row takes what is left, so rounding never leaves a gap or overflows.
            lay_row(row, row_area, free, &mut out);
            break;
        }
        free = lay_row(row, row_area, free, &mut out);
        start = end;
    }
    out
}

/// Lays one row along the shorter side of `free` and returns what remains of it.
fn lay_row(row: &[f64], row_area: f64, free: Rect, out: &mut Vec<Rect>) -> Rect {
    if free.w >= free.h {
        let width = if free.h > 0.0 { (row_area / free.h).min(free.w) } else { 0.0 };
        let mut y = free.y;
        for a in row {
            let h = if row_area > 0.0 { free.h * a / row_area } else { 0.0 };
            out.push(Rect { x: free.x, y, w: width, h });
            y += h;
        }
        Rect { x: free.x + width, w: free.w - width, ..free }
    } else {
        let height = if free.w > 0.0 { (row_area / free.w).min(free.h) } else { 0.0 };
        let mut x = free.x;
        for a in row {
            let w = if row_area > 0.0 { free.w * a / row_area } else { 0.0 };
            out.push(Rect { x, y: free.y, w, h: height });
            x += w;
        }
        Rect { y: free.y + height, h: free.h - height, ..free }
    }
}

/// The worst (largest) aspect ratio of a row of `areas` laid along a side of length `side`.
fn worst(areas: &[f64], side: f64) -> f64 {
    let sum: f64 = areas.iter().sum();
    let max = areas.iter().copied().fold(f64::MIN, f64::max);
    let min = areas.iter().copied().fold(f64::MAX, f64::min);
    let (s2, w2) = (sum * sum, side * side);
    (w2 * max / s2).max(s2 / (w2 * min))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(r: &Rect) -> f64 {
        r.w * r.h
    }

    fn inside(inner: &Rect, outer: &Rect) -> bool {
        let e = 1e-6;
        inner.x >= outer.x - e
            && inner.y >= outer.y - e
            && inner.x + inner.w <= outer.x + outer.w + e
            && inner.y + inner.h <= outer.y + outer.h + e
    }

    fn overlap(a: &Rect, b: &Rect) -> bool {
        let e = 1e-6;
        a.x + e < b.x + b.w && b.x + e < a.x + a.w && a.y + e < b.y + b.h && b.y + e < a.y + a.h
    }

    #[test]
    fn squarify_fills_the_box_in_proportion_without_overlap() {
        // The example of the paper: a 6 x 4 box and areas 6, 6, 4, 3, 2, 2, 1.
        let weights = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let bounds = Rect { x: 0.0, y: 0.0, w: 6.0, h: 4.0 };
        let rects = squarify(&weights, bounds);
        assert_eq!(rects.len(), weights.len());
        for (r, w) in rects.iter().zip(weights) {
            assert!((area(r) - w).abs() < 1e-9, "{r:?} should have area {w}");
            assert!(inside(r, &bounds), "{r:?}");
        }
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
            }
        }
        // The paper's first row: the two 6s stacked in a column of width 3.
        assert_eq!(rects[0], Rect { x: 0.0, y: 0.0, w: 3.0, h: 2.0 });
        assert_eq!(rects[1], Rect { x: 0.0, y: 2.0, w: 3.0, h: 2.0 });
        let worst_ratio = rects.iter().map(|r| (r.w / r.h).max(r.h / r.w)).fold(0.0, f64::max);
        assert!(worst_ratio < 3.0, "squarified cells stay close to squares: {worst_ratio}");
    }

    #[test]
    fn squarify_survives_an_empty_box() {
        let rects = squarify(&[1.0, 2.0], Rect { x: 5.0, y: 5.0, w: 0.0, h: 10.0 });
        assert!(rects.iter().all(|r| r.w == 0.0 && r.h == 0.0));
    }

    fn path(s: &str) -> Vec<String> {
        s.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn parts_sit_inside_their_module_frames() {
        let groups: Vec<Vec<String>> =
            ["shop::cart", "shop::cart", "shop::pay", "shop::pay::card", "shop::stock", "util"]
                .iter()
                .map(|g| path(g))
                .collect();
        let weights = [50.0, 10.0, 30.0, 5.0, 1.0, 4.0];
        let layout = layout(&groups, &weights, 1200.0, 600.0);
        let names: Vec<&str> = layout.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["shop", "shop::cart", "shop::pay", "shop::pay::card", "shop::stock", "util"]);
        let frame = |name: &str| layout.groups.iter().find(|g| g.name == name).expect("group").rect;
        for (i, g) in groups.iter().enumerate() {
            assert!(inside(&layout.parts[i], &frame(&g.join("::"))), "part {i}");
            assert!(area(&layout.parts[i]) > 0.0);
        }
        assert!(inside(&frame("shop::pay::card"), &frame("shop::pay")));
        assert_eq!(layout.groups[3].depth, 2);
        // Heavier parts get more room: cart's 50 against stock's 1.
        assert!(area(&layout.parts[0]) > 10.0 * area(&layout.parts[4]));
        for (i, a) in layout.parts.iter().enumerate() {
            for b in &layout.parts[i + 1..] {
                assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn single_child_chains_merge_into_one_frame() {
        let groups = vec![path("a::b::c"), path("a::b::c"), path("a::b::d")];
        let layout = layout(&groups, &[1.0, 1.0, 1.0], 100.0, 100.0);
        let names: Vec<&str> = layout.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["a::b", "a::b::c", "a::b::d"]);
        let labels: Vec<&str> = layout.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["a::b", "c", "d"]);
    }

    #[test]
    fn rects_serialize_rounded() {
        let r = Rect { x: 1.0 / 3.0, y: 2.0, w: f64::NAN, h: 10.006 };
        assert_eq!(serde_json::to_string(&r).expect("json"), "[0.33,2.0,0.0,10.01]");
    }
}
