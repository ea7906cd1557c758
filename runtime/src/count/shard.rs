//! Per-thread counter blocks: how a call is counted with no lock, no allocation and no shared
//! cache line.
//!
//! For a distributed slice (`PARTS`, whose blocks hold call counters, or `TIMINGS`), each
//! thread that calls a tracked function leases a *block*: a zeroed array with one slot per
//! element of the slice, each as large as the element, so laid out like it. The thread keeps
//! `bias = block address - slice address` in a thread-local, so the slot a part writes is
//! `bias + address of the part's static`: one thread-local load, one add and one increment,
//! with no index and no bounds check (every static lies inside the slice, so the sum lies
//! inside the block).
//!
//! Only the leasing thread writes a block, so a plain load-then-store (no `lock` prefix) is
//! exact. Exporters read blocks concurrently with relaxed loads. Blocks are never freed: when
//! a thread exits it returns its block (counts and all) for the next new thread, so counts of
//! exited threads are never lost and memory is bounded by the peak number of live threads.
//! A thread that cannot lease a block (allocation failed, or it is past its thread-local
//! destructors) counts into shared atomics instead (`counter::count_shared`, or the static
//! timing slot): slower, still exact.
use std::alloc::{Layout, alloc_zeroed};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// A slot type that can live in a block.
///
/// # Safety
/// All-zero bytes must be a valid value and the type must be made of atomics only, since
/// blocks are zero-allocated and read by other threads.
pub(crate) unsafe trait Slot: Sync + 'static {
    /// Sets every count to zero, writing only those that are not (a forked child's reset).
    fn zero(&self);
}

/// One thread's (or one past thread's) counters for every slot of a slice.
pub(crate) struct Block<T: Slot> {
    next: *const Block<T>,
    in_use: AtomicBool,
    slots: NonNull<T>,
    len: usize,
}

// SAFETY: a block is shared between its leasing thread (writes through atomics) and readers
// (atomic loads); `next` is written once before the block is published and never after.
unsafe impl<T: Slot> Sync for Block<T> {}
// SAFETY: as above; blocks are only ever reached through `&'static` references.
unsafe impl<T: Slot> Send for Block<T> {}

impl<T: Slot> Block<T> {
    /// The block's slots, laid out like the slice.
    pub(crate) fn slots(&self) -> &[T] {
        // SAFETY: `slots` points to `len` zero-initialised `T`s (valid per `Slot`) allocated in
        // `Shards::allocate` and never freed, so the slice lives for `'static`.
        unsafe { std::slice::from_raw_parts(self.slots.as_ptr(), self.len) }
    }
}

/// The blocks of one slice.
pub(crate) struct Shards<T: Slot> {
    head: AtomicPtr<Block<T>>,
}

impl<T: Slot> Shards<T> {
    pub(crate) const fn new() -> Self {
        Shards { head: AtomicPtr::new(ptr::null_mut()) }
    }

    /// Leases a free block for the calling thread, or allocates one laid out like `slice`.
    /// `None` when the slice is empty or memory could not be had: the caller counts in the
    /// shared slots instead.
    pub(crate) fn lease<S>(&self, slice: &'static [S]) -> Option<&'static Block<T>> {
        let mut cursor = self.head.load(Ordering::Acquire);
        while let Some(block) = NonNull::new(cursor) {
            // SAFETY: blocks are leaked `Box`es, never freed; `Acquire` on `head` (and on
            // `next`, written before publication) makes the block's fields visible.
            let block: &'static Block<T> = unsafe { &*block.as_ptr() };
            // Acquire: see every count the previous leaseholder wrote before its Release.
            if block.in_use.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok() {
                return Some(block);
            }
            cursor = block.next as *mut Block<T>;
        }
        self.allocate(slice)
    }

    fn allocate<S>(&self, slice: &'static [S]) -> Option<&'static Block<T>> {
        const { assert!(size_of::<S>() == size_of::<T>(), "a block must mirror its slice") };
        if slice.is_empty() {
            return None;
        }
        // Blocks start on their own cache lines (128 bytes covers adjacent-line prefetch) so
        // two threads never write the same line.
        let layout = Layout::array::<T>(slice.len()).ok()?.align_to(128).ok()?.pad_to_align();
        // SAFETY: the layout has a non-zero size (the slice is not empty and slots are atomics).
        let raw = unsafe { alloc_zeroed(layout) };
        let slots = NonNull::new(raw.cast::<T>())?;
        let block: &'static mut Block<T> = Box::leak(Box::new(Block {
            next: ptr::null(),
            in_use: AtomicBool::new(true),
            slots,
            len: slice.len(),
        }));
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            block.next = head;
            // Release: publish the block's fields with it.
            match self.head.compare_exchange_weak(head, block, Ordering::Release, Ordering::Relaxed) {
                Ok(_) => return Some(block),
                Err(now) => head = now,
            }
        }
    }

    /// Gives a block back when its thread exits.
    pub(crate) fn release(block: &'static Block<T>) {
        // Release: the next leaseholder's Acquire sees every count written here.
        block.in_use.store(false, Ordering::Release);
    }

    /// Every block ever allocated, leased or not.
    pub(crate) fn blocks(&self) -> impl Iterator<Item = &'static Block<T>> {
        let mut cursor = self.head.load(Ordering::Acquire);
        std::iter::from_fn(move || {
            let block = NonNull::new(cursor)?;
            // SAFETY: as in `lease`: published blocks are never freed.
            let block: &'static Block<T> = unsafe { &*block.as_ptr() };
            cursor = block.next as *mut Block<T>;
            Some(block)
        })
    }

    /// In a child process just forked, whose only thread holds `kept` (if anything): zeroes
    /// every block and gives back all others, whose threads do not exist in the child.
    #[cfg(unix)]
    pub(crate) fn reset_after_fork(&self, kept: Option<&'static Block<T>>) {
        for block in self.blocks() {
            for slot in block.slots() {
                slot.zero();
            }
            // Relaxed: the child has one thread, this one.
            block.in_use.store(kept.is_some_and(|k| ptr::eq(k, block)), Ordering::Relaxed);
        }
    }

    /// How many blocks exist: the peak number of threads that counted at once.
    pub(crate) fn count(&self) -> usize {
        self.blocks().count()
    }
}

/// The bias a thread stores to reach its block from the address of a static in `slice`.
pub(crate) fn bias_of<T: Slot, S>(block: &'static Block<T>, slice: &'static [S]) -> usize {
    // Exposing the block's provenance lets the hot path rebuild a pointer into it from an
    // integer (`ptr::with_exposed_provenance`).
    block.slots.as_ptr().expose_provenance().wrapping_sub(slice.as_ptr().addr())
}
