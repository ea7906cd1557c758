//! A forked child is an instance of its own: it starts counting from zero, under a new
//! instance id and start time, so that the parent's and the children's snapshots (or OTLP
//! series) add up to exactly the calls each process made, with nothing counted twice.
//!
//! Without this, a child would inherit every counter of its parent as they stood at the fork,
//! and its parent's instance id: the pre-fork calls would be reported by both processes.
//! The `pthread_atfork` child handler runs in the one thread the child has, so it may write
//! every block (no other thread can) and hand every block but its own back for reuse (their
//! threads do not exist in the child). It takes no lock: it stores atomics and reads the
//! clock. It writes only counters that are not zero, so a child that goes on to `exec` copies
//! no more pages of counters than held counts.
//!
//! A call in progress on the forking thread was counted in the parent; whatever it records
//! after the fork (busy time, a failure) belongs to the child.
use std::sync::Once;

/// Registers the fork handlers, once per process (called by `process::touch`). If
/// registration fails (no memory), a child inherits its parent's counts and instance.
pub(crate) fn watch() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: the handlers are `extern "C"` functions with no arguments that live for the
        // whole program; `prepare` runs in the forking thread before the fork, `child` in the
        // child's only thread after it.
        let _ = unsafe { libc::pthread_atfork(Some(prepare), None, Some(child)) };
    });
}

/// Before a fork: finish any lazy lookup another thread might be half-way through.
extern "C" fn prepare() {
    crate::count::process::settle();
    crate::count::clock::start();
}

/// In the child: zero every counter, free the other threads' blocks, become a new instance.
extern "C" fn child() {
    crate::count::lease::reset_after_fork();
    crate::count::process::forked();
}
