//! The registry: link-time lists of every part, `Extra` and timing slot in the program.
//!
//! `#[wear::tracked]` places one `Part` (what the function is; its address is also where its
//! calls are counted, see `counter`) and, for `timed` or `failures` parts, one `Extra` and one
//! `TimingSlot` in these distributed slices (`linkme`). The linker gathers them into one array
//! each, so the program can enumerate every tracked function linked into it, called or not,
//! with no code run before `main` and no registration on the hot path. Library crates'
//! entries are kept too: rustc references every `#[used]` static of its dependencies when
//! linking.
use linkme::distributed_slice;

use crate::count::part::{Extra, Part};
use crate::count::timing::TimingSlot;

/// Every tracked function linked into the program. A part's position in this array is its
/// index into every thread's call block (see `shard`).
#[distributed_slice]
pub static PARTS: [Part];

/// What `timed` and `failures` parts have more, each pointing to its part.
#[distributed_slice]
pub static EXTRAS: [Extra];

/// One timing slot per `timed` part, indexed the same way for timing blocks.
#[distributed_slice]
pub static TIMINGS: [TimingSlot];

// What `#[wear::tracked]` writes to place its statics in the slices above.
//
// `in_slice!(EXTRAS static NAME: T = value;)` places one static; `part!(about...)` places a
// part (named `__WEAR_PART`) and counts the call. On the ELF targets where linkme names the
// section `linkme_<SLICE>`, they write `#[used]` and that `#[link_section]` themselves. On
// every other target they go through the element macro linkme generated with the slice,
// which writes five `cfg_attr`s, one per platform family: evaluating those cost rustc about
// 180,000 instructions per static (`benches/compile_time.sh`). The section names are
// linkme's own, which is why linkme is pinned to an exact version.

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
        (PARTS $($item:tt)*) => { #[used] #[unsafe(link_section = "linkme_PARTS")] $($item)* };
        (EXTRAS $($item:tt)*) => { #[used] #[unsafe(link_section = "linkme_EXTRAS")] $($item)* };
        (TIMINGS $($item:tt)*) => { #[used] #[unsafe(link_section = "linkme_TIMINGS")] $($item)* };
    }

    // Writes the attributes itself rather than going through `__wear_in_slice!` as the other
    // targets' `part!` does: that one more expansion per tracked function cost rustc 40 M
    // instructions on the 1,000-function crate (4.81 G against 4.77 G).
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __wear_part {
        ($($about:tt)*) => {
            #[used]
            #[unsafe(link_section = "linkme_PARTS")]
            #[allow(unsafe_code)]
            static __WEAR_PART: $crate::__private::Part = unsafe { $crate::__private::Part::new(::core::concat!($($about)*)) };
            $crate::__private::hit(&__WEAR_PART);
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
        ($($about:tt)*) => {
            $crate::__wear_in_slice! { PARTS
                #[allow(unsafe_code)]
                static __WEAR_PART: $crate::__private::Part = unsafe { $crate::__private::Part::new(::core::concat!($($about)*)) };
            }
            $crate::__private::hit(&__WEAR_PART);
        };
    }
}
