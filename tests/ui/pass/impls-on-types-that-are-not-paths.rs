// Impls on primitives, references, slices, tuples and `dyn` types are named the way a person
// reads them, after the module: `krate::<u8 as Encodable>::read`.
trait Encodable {
    fn read(&self) -> usize;
}

#[wear::tracked]
impl Encodable for u8 {
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
impl<T> Encodable for [T] {
    fn read(&self) -> usize {
        self.len()
    }
}

#[wear::tracked]
impl Encodable for (u8, u8) {
    fn read(&self) -> usize {
        2
    }
}

#[wear::tracked]
impl dyn Encodable {
    fn twice(&self) -> usize {
        self.read() * 2
    }
}

fn main() {
    let total = 1u8.read() + "ab".read() + [0u8; 3][..].read() + (1u8, 2u8).read() + (&4u8 as &dyn Encodable).twice();
    assert_eq!(total, 1 + 2 + 3 + 2 + 8);
    let krate = module_path!();
    let mut parts: Vec<String> = wear::snapshot().parts.into_iter().map(|p| p.path).collect();
    parts.sort();
    let mut expected: Vec<String> = [
        "<u8 as Encodable>::read",
        "<&str as Encodable>::read",
        "<[T] as Encodable>::read",
        "<(u8, u8) as Encodable>::read",
        "<dyn Encodable>::twice",
    ]
    .iter()
    .map(|p| format!("{krate}::{p}"))
    .collect();
    expected.sort();
    assert_eq!(parts, expected);
}
