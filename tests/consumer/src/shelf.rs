//! A shelf of items: an inherent impl tracked as a whole, a trait with a tracked default
//! method, and a tracked trait impl.

/// Items on a shelf.
#[derive(Default)]
pub struct Shelf {
    items: Vec<u32>,
}

#[wear::tracked]
impl Shelf {
    /// Puts one item on the shelf.
    pub fn put(&mut self, item: u32) {
        self.items.push(item);
    }

    /// How many items are on the shelf.
    pub fn count(&self) -> usize {
        self.items.len()
    }
}

/// Something that can say what it holds.
pub trait Describe {
    /// A one-line description.
    fn describe(&self) -> String;

    /// A label; the default names nothing in particular.
    #[wear::tracked]
    fn label(&self) -> String {
        format!("[{}]", self.describe())
    }
}

impl Describe for Shelf {
    #[wear::tracked]
    fn describe(&self) -> String {
        format!("a shelf of {} items", self.count())
    }
}
