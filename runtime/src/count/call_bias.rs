//! Where each thread keeps its call bias (`block address - PARTS address`, 0 for none).
//!
//! On x86_64 Linux the bias is a thread-local word that wear defines itself in assembly, so
//! the hot path (`fast_hit`) can read it with one `mov` from `%fs` and one address load that
//! the linker turns into a constant in executables. `thread_local!` cannot give that: rustc
//! first computes the variable's address, then loads from it. Elsewhere it is a const
//! `thread_local!` cell.
//!
//! The word uses the initial-exec TLS model: it lives in the static TLS block of every thread,
//! which works in executables and in shared objects loaded at start, and in shared objects
//! opened later with `dlopen` as long as glibc's static TLS reserve has 8 bytes left (it keeps
//! some for exactly this). It is hidden, so two shared objects that both link wear keep one
//! bias each, matching their own `PARTS` slices.

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod imp {
    use core::arch::{asm, global_asm};

    /// The name of the thread-local word, versioned so two semver-incompatible copies of wear
    /// in one program never share it.
    macro_rules! call_bias_symbol {
        () => {
            concat!(
                "__wear_call_bias_",
                env!("CARGO_PKG_VERSION_MAJOR"),
                "_",
                env!("CARGO_PKG_VERSION_MINOR"),
                "_",
                env!("CARGO_PKG_VERSION_PATCH")
            )
        };
    }
    pub(crate) use call_bias_symbol;

    // One zero-initialised 8-byte word in `.tbss`: every new thread starts with bias 0.
    global_asm!(
        ".pushsection .tbss,\"awT\",@nobits",
        ".p2align 3",
        concat!(".globl ", call_bias_symbol!()),
        concat!(".hidden ", call_bias_symbol!()),
        concat!(".type ", call_bias_symbol!(), ",@object"),
        concat!(".size ", call_bias_symbol!(), ",8"),
        concat!(call_bias_symbol!(), ":"),
        ".zero 8",
        ".popsection",
    );

    /// This thread's call bias (the hot path reads it in its own assembly).
    #[cfg(test)]
    pub(crate) fn get() -> usize {
        let bias: usize;
        // SAFETY: reads this thread's own TLS word, defined above; `%fs` is the thread
        // pointer on x86_64 Linux and the GOT entry holds the word's offset from it.
        unsafe {
            asm!(
                concat!("mov {bias}, qword ptr [rip + ", call_bias_symbol!(), "@GOTTPOFF]"),
                "mov {bias}, qword ptr fs:[{bias}]",
                bias = out(reg) bias,
                options(nostack, preserves_flags, readonly),
            );
        }
        bias
    }

    /// Sets this thread's call bias.
    pub(crate) fn set(bias: usize) {
        // SAFETY: as in `get`; only this thread reads or writes its word.
        unsafe {
            asm!(
                concat!("mov {at}, qword ptr [rip + ", call_bias_symbol!(), "@GOTTPOFF]"),
                "mov qword ptr fs:[{at}], {bias}",
                at = out(reg) _,
                bias = in(reg) bias,
                options(nostack, preserves_flags),
            );
        }
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
mod imp {
    use std::cell::Cell;

    thread_local! {
        static CALL_BIAS: Cell<usize> = const { Cell::new(0) };
    }

    /// This thread's call bias.
    #[inline(always)]
    pub(crate) fn get() -> usize {
        CALL_BIAS.get()
    }

    /// Sets this thread's call bias.
    pub(crate) fn set(bias: usize) {
        CALL_BIAS.set(bias);
    }
}

pub(crate) use imp::*;
