mod missing;
#[path = "elsewhere.rs"]
mod other;
#[cfg(test)]
mod tests;
fn main() {}
