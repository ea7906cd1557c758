trait Store {
    #[wear::tracked]
    fn load(&self) -> u32;
}

struct Memory;

impl Store for Memory {
    fn load(&self) -> u32 {
        1
    }
}

fn main() {
    let _ = Memory.load();
}
