//! Stable sorting of vectors whose items are large (due items, parts): the sort moves indices
//! and the items are put in place once, instead of each being moved many times. At 43,000
//! due items, moving them was most of the sorting in a run with nothing new.
use std::cmp::Ordering;

/// Sorts `items` as `slice::sort_by` would (stable), moving each item about once, in place.
pub(crate) fn sort_large_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| compare(&items[a], &items[b]));
    // `order[k]` is the item that goes to `k`: follow each cycle of that permutation, marking
    // the places done.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sort_large_by;

    #[test]
    fn same_order_as_a_stable_sort() {
        let mut state = 7u32;
        let items: Vec<(u32, usize)> = (0..500)
            .map(|i| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state % 13, i)
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|a| a.0);
        let mut sorted = items;
        sort_large_by(&mut sorted, |a, b| a.0.cmp(&b.0));
        assert_eq!(sorted, expected, "equal keys keep their order");
        let mut reversed: Vec<u32> = (0..100).rev().collect();
        sort_large_by(&mut reversed, Ord::cmp);
        assert_eq!(reversed, (0..100).collect::<Vec<_>>());
        let mut empty: Vec<u8> = Vec::new();
        sort_large_by(&mut empty, Ord::cmp);
        assert!(empty.is_empty());
    }
}
