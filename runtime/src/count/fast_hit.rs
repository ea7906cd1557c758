//! The hot path of a call on x86_64 Linux, in assembly: six instructions, no register saved.
//!
//! Written in Rust, the hot path is a branch around a call to the cold path, and because
//! that call may clobber every caller-saved register, the compiler saves the function's live
//! arguments around *every* call (a `push`, a `mov` and a `pop` in a one-argument function).
//! Here the cold path goes through [`trampoline`], which keeps every register and the whole
//! SIMD/x87 state itself, so the compiler sees an asm block that clobbers only flags and one
//! scratch register. The hot path is then:
//!
//! ```text
//! mov  bias, [rip + __wear_call_bias@GOTTPOFF]   ; the linker makes this `mov $offset, bias`
//! mov  bias, fs:[bias]                           ; this thread's bias (call_bias)
//! test bias, bias
//! jz   cold                                      ; no block yet: lease one (out of line)
//! lea  part, [rip + part]                        ; the part's static in PARTS (the compiler's)
//! inc  qword ptr [bias + part]                   ; the thread's counter for this part
//! ```
//!
//! The cold stub lives after the end of the function's own section (`.subsection 1`), out of
//! the hot path's way, and goes with the function if the linker drops it; it steps over the red zone (the code around may
//! keep data below the stack pointer), passes the part on the stack and gets the bias back in
//! the same place. Because the stub touches nothing the ABI lets be live, the block is
//! `nostack`, which spares the hot path a stack adjustment too. [`hit_cold`] must not unwind: it is `extern "C"`, so a panic there would
//! abort, and nothing it calls panics.
use core::arch::{asm, naked_asm};

use crate::count::call_bias::call_bias_symbol;
use crate::count::counter::count_shared;
use crate::count::lease::lease_calls;
use crate::count::part::Part;

/// Counts one call of `part`.
#[inline(always)]
pub(crate) fn hit(part: &'static Part) {
    // SAFETY: `bias` is 0 or `block - PARTS` for a never-freed block laid out like `PARTS`,
    // and `part` lies in `PARTS` (contract of `Part::new`), so `bias + part` is this part's
    // counter in this thread's block, written only by this thread. The cold stub keeps
    // the stack pointer 128 bytes clear of the red zone and balanced, and the trampoline keeps
    // every register but `bias` and the flags, which the block declares clobbered.
    unsafe {
        asm!(
            concat!("mov {bias}, qword ptr [rip + ", call_bias_symbol!(), "@GOTTPOFF]"),
            "mov {bias}, qword ptr fs:[{bias}]",
            "test {bias}, {bias}",
            "jz 3f",
            "2:",
            "inc qword ptr [{bias} + {part}]",
            "4:",
            // After the end of the function's own section: the linker's section GC keeps or
            // drops the stub with the function (one `.text.unlikely` section for every stub of
            // an object file kept every tracked function of that object alive).
            ".subsection 1",
            "3:",
            "lea rsp, [rsp - 128]",
            "push {part}",
            "call {trampoline}",
            "pop {bias}",
            "lea rsp, [rsp + 128]",
            "test {bias}, {bias}",
            "jnz 2b",
            "jmp 4b",
            ".subsection 0",
            part = in(reg) part,
            bias = out(reg) _,
            trampoline = sym trampoline,
            // The cold stub pushes, but only below the red zone, where the SysV ABI lets
            // nothing live (a signal handler may overwrite it at any time), and the trampoline
            // aligns the stack itself; so the compiler need not align it for this block.
            options(nostack),
        );
    }
}

/// The cold path: leases this thread's call block and returns its bias, or counts the call in
/// the shared counters and returns 0 when the thread cannot have a block.
extern "C" fn hit_cold(part: &'static Part) -> usize {
    lease_calls().unwrap_or_else(|| {
        count_shared(part);
        0
    })
}

/// Defines a naked function that calls `$target(arg) -> usize` with every register kept.
///
/// Convention: the caller pushes the argument, calls, and pops the result from the same
/// place. Kept: every general register (`rbx` too, which `cpuid` clobbers), and with `xsave`
/// every state component the OS enabled (x87, SSE, AVX, AVX-512, ...), or with `fxsave` x87
/// and SSE on CPUs without it. The save area is sized by `cpuid` and 64-byte aligned on the
/// stack; its header is zeroed first, as `xrstor` requires. `$has_xsave` sets the carry flag
/// when `xsave` is usable (tests pass `clc` to take the `fxsave` branch on any CPU).
macro_rules! keep_everything_trampoline {
    ($name:ident, $target:path) => {
        keep_everything_trampoline!($name, $target, "bt ecx, 27"); // CPUID.1:ECX.OSXSAVE
    };
    ($name:ident, $target:path, $has_xsave:literal) => {
        #[unsafe(naked)]
        pub(crate) unsafe extern "C" fn $name() {
            naked_asm!(
                "push rbp",
                "mov rbp, rsp",
                "push rax",
                "push rbx",
                "push rcx",
                "push rdx",
                "push rsi",
                "push rdi",
                "push r8",
                "push r9",
                "push r10",
                "push r11",
                // [rbp + 8] = return address, [rbp + 16] = argument, then result.
                "mov eax, 1",
                "cpuid",
                $has_xsave,
                "jnc 5f",
                "mov eax, 0xd",
                "xor ecx, ecx",
                "cpuid", // ebx = size of the save area for the enabled components
                "sub rsp, rbx",
                "and rsp, -64",
                "xor eax, eax",
                "mov qword ptr [rsp + 512], rax",
                "mov qword ptr [rsp + 520], rax",
                "mov qword ptr [rsp + 528], rax",
                "mov qword ptr [rsp + 536], rax",
                "mov qword ptr [rsp + 544], rax",
                "mov qword ptr [rsp + 552], rax",
                "mov qword ptr [rsp + 560], rax",
                "mov qword ptr [rsp + 568], rax",
                "mov eax, -1",
                "mov edx, -1",
                "xsave64 [rsp]",
                "mov rdi, qword ptr [rbp + 16]",
                "call {target}",
                "mov qword ptr [rbp + 16], rax",
                "mov eax, -1",
                "mov edx, -1",
                "xrstor64 [rsp]",
                "jmp 6f",
                "5:",
                "sub rsp, 512",
                "and rsp, -16",
                "fxsave64 [rsp]",
                "mov rdi, qword ptr [rbp + 16]",
                "call {target}",
                "mov qword ptr [rbp + 16], rax",
                "fxrstor64 [rsp]",
                "6:",
                "lea rsp, [rbp - 80]",
                "pop r11",
                "pop r10",
                "pop r9",
                "pop r8",
                "pop rdi",
                "pop rsi",
                "pop rdx",
                "pop rcx",
                "pop rbx",
                "pop rax",
                "pop rbp",
                "ret",
                target = sym $target,
            )
        }
    };
}

keep_everything_trampoline!(trampoline, hit_cold);

#[cfg(test)]
mod tests;
