//! Grouping by a key in the order the keys first come, so that what is built from the groups
//! (files walked, warnings that name the first case and count the rest) is the same on every
//! run, and a map keeps it linear: a search per item was quadratic at 43,000 parts.
use std::collections::HashMap;
use std::hash::Hash;

/// `items` grouped by key, each group in the order its items came, the groups in the order
/// their first item came.
pub(crate) fn in_first_seen_order<K: Eq + Hash + Clone, T>(
    items: impl IntoIterator<Item = (K, T)>,
) -> Vec<(K, Vec<T>)> {
    let mut groups: Vec<(K, Vec<T>)> = Vec::new();
    let mut index: HashMap<K, usize> = HashMap::new();
    for (key, item) in items {
        // Items of one key mostly come together (a file's parts): comparing with the last
        // group's key spares hashing it again (hashing a path walks its components).
        if let Some(last) = groups.last_mut().filter(|(k, _)| *k == key) {
            last.1.push(item);
            continue;
        }
        match index.get(&key) {
            Some(&at) => groups[at].1.push(item),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![item]));
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::in_first_seen_order;

    #[test]
    fn groups_keep_the_order_keys_and_items_first_came_in() {
        let groups = in_first_seen_order([("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]);
        assert_eq!(groups, [("b", vec![1, 3]), ("a", vec![2, 5]), ("c", vec![4])]);
    }
}
