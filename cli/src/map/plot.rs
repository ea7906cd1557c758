//! The wear map's canvas: a grid of characters where each part is a point (`●`, or how many
//! parts share the spot, `2`..`9`, `+`), the median split drawn as rules, and parts labelled
//! beside their point where the characters are free, the most urgent quadrant first.
use crate::wear_map::{Point, Quadrant};

/// What one character of the canvas holds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mark {
    /// Nothing.
    Empty,
    /// Part of the median rules.
    Rule(char),
    /// Parts, by their index in the points, and the quadrant of the first.
    Point(Vec<usize>, Quadrant),
    /// A character of a label, and the quadrant of its point.
    Label(char, Quadrant),
    /// The second column of a wide label character (CJK, most emoji): the character before
    /// already covers it, so it prints nothing and the row keeps its width.
    Covered,
}

/// The plot area: `rows` rows of used parts (the top row has the most calls) and one row of
/// unused parts under them, `columns` wide.
#[derive(Clone, Debug)]
pub(crate) struct Canvas {
    /// Rows, top first; the last row is the unused row.
    pub(crate) cells: Vec<Vec<Mark>>,
    /// Parts left unlabelled, by index in the points.
    pub(crate) unlabelled: Vec<usize>,
}

impl Canvas {
    /// Plots `points` at their (column, row) `spots`, draws the rules at `split_at` (column,
    /// row) and labels what fits.
    pub(crate) fn draw(
        points: &[Point<'_>],
        spots: &[(usize, usize)],
        labels: &[String],
        split_at: (usize, usize),
        (columns, rows): (usize, usize),
    ) -> Canvas {
        let mut cells = vec![vec![Mark::Empty; columns]; rows + 1];
        for (r, row) in cells.iter_mut().enumerate().take(rows) {
            row[split_at.0] = Mark::Rule(if r == split_at.1 { '┼' } else { '│' });
        }
        if split_at.1 < rows {
            for (c, cell) in cells[split_at.1].iter_mut().enumerate() {
                if c != split_at.0 {
                    *cell = Mark::Rule('─');
                }
            }
        }
        cells[rows][split_at.0] = Mark::Rule('│');
        for (i, (point, &(c, r))) in points.iter().zip(spots).enumerate() {
            match &mut cells[r][c] {
                Mark::Point(parts, _) => parts.push(i),
                cell => *cell = Mark::Point(vec![i], point.quadrant),
            }
        }
        let mut canvas = Canvas { cells, unlabelled: Vec::new() };
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&points[a], &points[b]);
            pa.quadrant
                .cmp(&pb.quadrant)
                .then(pb.calls.cmp(&pa.calls))
                .then(pb.days.cmp(&pa.days))
                .then_with(|| pa.item.part.cmp(&pb.item.part))
        });
        for i in order {
            let (c, r) = spots[i];
            let shared = matches!(&canvas.cells[r][c], Mark::Point(parts, _) if parts.len() > 1);
            if shared || !canvas.place_label(&labels[i], c, r, points[i].quadrant) {
                canvas.unlabelled.push(i);
            }
        }
        canvas.unlabelled.sort_unstable();
        canvas
    }

    /// Writes ` label` right of the point at (c, r), else `label ` left of it, when every
    /// character it covers, and one beyond to keep labels apart, holds nothing or a rule.
    fn place_label(&mut self, label: &str, c: usize, r: usize, quadrant: Quadrant) -> bool {
        let n = crate::present::text::width(label);
        let row = &self.cells[r];
        let columns = row.len();
        let free = |from: usize, to: usize| {
            (from..to).all(|k| matches!(row.get(k), Some(Mark::Empty | Mark::Rule(_)) | None))
        };
        let start = if c + 2 + n <= columns && free(c + 1, c + 3 + n) {
            c + 2
        } else if c > n && free((c - n - 1).saturating_sub(1), c) {
            c - n - 1
        } else {
            return false;
        };
        // One cell a terminal column; a character of no width (a combining mark left after
        // NFC) has no cell of its own and is left out.
        let mut k = start;
        for ch in label.chars() {
            let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
            if w == 0 {
                continue;
            }
            self.cells[r][k] = Mark::Label(ch, quadrant);
            if w == 2 {
                self.cells[r][k + 1] = Mark::Covered;
            }
            k += w;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heatmap::layout::tests_support::item;
    use crate::wear_map::Split;

    fn text(canvas: &Canvas) -> Vec<String> {
        canvas
            .cells
            .iter()
            .map(|row| {
                row.iter()
                    .filter(|m| !matches!(m, Mark::Covered))
                    .map(|m| match m {
                        Mark::Empty | Mark::Covered => ' ',
                        Mark::Rule(c) | Mark::Label(c, _) => *c,
                        Mark::Point(p, _) if p.len() == 1 => '●',
                        Mark::Point(p, _) => char::from_digit(p.len() as u32, 10).unwrap_or('+'),
                    })
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn points_rules_and_labels_share_the_canvas() {
        let (a, b, c, d) = (item("m::a"), item("m::bb"), item("m::c"), item("m::d"));
        let split = Split { days: 100, calls: 10 };
        let point = |index, item, days: u64, calls| Point {
            index,
            item,
            age: days as i64 * crate::time::DAY,
            days,
            calls,
            quadrant: split.quadrant(days, calls),
        };
        let points =
            [point(0, &a, 400, 900), point(1, &b, 10, 900), point(2, &c, 400, 0), point(3, &d, 400, 0)];
        let spots = [(8, 0), (1, 0), (8, 3), (8, 3)];
        let labels: Vec<String> = ["a", "bb", "c", "d"].map(String::from).to_vec();
        let canvas = Canvas::draw(&points, &spots, &labels, (5, 1), (12, 3));
        assert_eq!(text(&canvas), [" ● bb│  ● a", "─────┼──────", "     │", "     │  2"]);
        assert_eq!(canvas.unlabelled, [2, 3], "parts sharing a spot are listed, not labelled");
    }

    #[test]
    fn a_wide_label_takes_two_columns_a_character() {
        let mut canvas = Canvas { cells: vec![vec![Mark::Empty; 12]], unlabelled: Vec::new() };
        assert!(canvas.place_label("計算", 0, 0, Quadrant::Watch));
        let row = &canvas.cells[0];
        assert!(matches!(row[2], Mark::Label('計', _)) && matches!(row[3], Mark::Covered), "{row:?}");
        assert!(matches!(row[4], Mark::Label('算', _)) && matches!(row[5], Mark::Covered), "{row:?}");
        let shown = text(&canvas);
        assert_eq!(crate::present::text::width(&shown[0]), 6, "{shown:?}");
        // Too wide for what is left of the row: not placed.
        assert!(!canvas.place_label("計算計算計算", 0, 0, Quadrant::Watch));
    }
}
