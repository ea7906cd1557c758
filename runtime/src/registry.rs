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
