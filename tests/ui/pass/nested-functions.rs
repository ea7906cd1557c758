// Functions declared inside other functions are parts, named under the function around them:
// two helpers of one name in two functions are two parts.
#[wear::tracked]
fn first() -> u8 {
    #[wear::tracked]
    fn helper() -> u8 {
        1
    }
    helper()
}

fn second() -> u8 {
    #[wear::tracked]
    fn helper() -> u8 {
        2
    }
    let in_a_closure = || {
        #[wear::tracked]
        fn deep() -> u8 {
            3
        }
        deep()
    };
    helper() + in_a_closure()
}

fn main() {
    assert_eq!(first() + second(), 6);
    let mut parts: Vec<String> = wear::snapshot().parts.into_iter().map(|p| p.path).collect();
    parts.sort();
    let expected = ["$CRATE::first", "$CRATE::first::helper", "$CRATE::second::deep", "$CRATE::second::helper"];
    let krate = module_path!();
    let expected: Vec<String> = expected.iter().map(|p| p.replace("$CRATE", krate)).collect();
    assert_eq!(parts, expected);
}
