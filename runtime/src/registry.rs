//! The registry: link-time lists of every part, call counter and timing slot in the program.
//!
//! `#[wear::tracked]` places one `Part` (what the function is), one `CallSlot` (where its
//! calls are counted) and, for `timed` parts, one `TimingSlot` in these distributed slices
//! (`linkme`). The linker gathers them into one array each, so the program can enumerate
//! every tracked function linked into it, called or not, with no code run before `main` and
//! no registration on the hot path. Library crates' entries are kept too: rustc references
//! every `#[used]` static of its dependencies when linking.
use linkme::distributed_slice;

use crate::counter::CallSlot;
use crate::part::Part;
use crate::timing::TimingSlot;

/// Every tracked function linked into the program.
#[distributed_slice]
pub static PARTS: [Part];

/// One call counter per part. A slot's position in this array is the part's index into
/// every thread's counter block (see `shard`).
#[distributed_slice]
pub static CALLS: [CallSlot];

/// One timing slot per `timed` part, indexed the same way for timing blocks.
#[distributed_slice]
pub static TIMINGS: [TimingSlot];

// What `#[wear::tracked]` writes to place its statics in the slices above.
//
// `in_slice!(CALLS static NAME: T = value;)` places one static; `part!(about...)` places a
// part's call slot and description and counts the call (`part!(extra = NAME; about...)` for a
// part with an `Extra` static named NAME). On the ELF targets where linkme names the section
// `linkme_<SLICE>`, they write `#[used]` and that `#[link_section]` themselves. On every other
// target they go through the element macro linkme generated with the slice, which writes five
// `cfg_attr`s, one per platform family: evaluating those cost rustc about 180,000 instructions
// per static (`benches/compile_time.sh`). The section names are linkme's own, which is why
// linkme is pinned to an exact version.
#[cfg(any(
    target_os = "none",
    target_os = "linux",
    target_os = "android",
    target_os = "fuchsia",
    target_os = "psp"
))]
mod placing {
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __wear_in_slice {
        (CALLS $($item:tt)*) => { #[used] #[unsafe(link_section = "linkme_CALLS")] $($item)* };
        (PARTS $($item:tt)*) => { #[used] #[unsafe(link_section = "linkme_PARTS")] $($item)* };
        (TIMINGS $($item:tt)*) => { #[used] #[unsafe(link_section = "linkme_TIMINGS")] $($item)* };
    }

    #[doc(hidden)]
    #[macro_export]
    macro_rules! __wear_part {
        (extra = $extra:ident; $($about:tt)*) => {
            $crate::__wear_part!(@ ::core::option::Option::Some(&$extra); $($about)*);
        };
        (@ $extra:expr; $($about:tt)*) => {
            #[used]
            #[unsafe(link_section = "linkme_CALLS")]
            #[allow(unsafe_code)]
            static __WEAR_CALLS: $crate::__private::CallSlot = unsafe { $crate::__private::CallSlot::new() };
            #[used]
            #[unsafe(link_section = "linkme_PARTS")]
            static __WEAR_PART: $crate::__private::Part =
                $crate::__private::Part { calls: &__WEAR_CALLS, about: ::core::concat!($($about)*), extra: $extra };
            $crate::__private::hit(&__WEAR_CALLS);
        };
        // The plain part, which nearly every function is, repeats the arm above rather than
        // forwarding to it: forwarding parses `Option::None` as an `expr` fragment once per
        // tracked function, which rustc pays for in every build.
        ($($about:tt)*) => {
            #[used]
            #[unsafe(link_section = "linkme_CALLS")]
            #[allow(unsafe_code)]
            static __WEAR_CALLS: $crate::__private::CallSlot = unsafe { $crate::__private::CallSlot::new() };
            #[used]
            #[unsafe(link_section = "linkme_PARTS")]
            static __WEAR_PART: $crate::__private::Part = $crate::__private::Part {
                calls: &__WEAR_CALLS,
                about: ::core::concat!($($about)*),
                extra: ::core::option::Option::None,
            };
            $crate::__private::hit(&__WEAR_CALLS);
        };
    }
}

#[cfg(not(any(
    target_os = "none",
    target_os = "linux",
    target_os = "android",
    target_os = "fuchsia",
    target_os = "psp"
)))]
mod placing {
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __wear_in_slice {
        ($slice:ident $($item:tt)*) => {
            $crate::__private::$slice! { #![linkme_macro = $crate::__private::$slice] $($item)* }
        };
    }

    #[doc(hidden)]
    #[macro_export]
    macro_rules! __wear_part {
        (extra = $extra:ident; $($about:tt)*) => {
            $crate::__wear_part!(@ ::core::option::Option::Some(&$extra); $($about)*);
        };
        (@ $extra:expr; $($about:tt)*) => {
            $crate::__wear_in_slice! { CALLS
                #[allow(unsafe_code)]
                static __WEAR_CALLS: $crate::__private::CallSlot = unsafe { $crate::__private::CallSlot::new() };
            }
            $crate::__wear_in_slice! { PARTS
                static __WEAR_PART: $crate::__private::Part =
                    $crate::__private::Part { calls: &__WEAR_CALLS, about: ::core::concat!($($about)*), extra: $extra };
            }
            $crate::__private::hit(&__WEAR_CALLS);
        };
        ($($about:tt)*) => {
            $crate::__wear_part!(@ ::core::option::Option::None; $($about)*);
        };
    }
}
