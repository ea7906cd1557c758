//! The trampoline must hand back every register exactly: a test target that scribbles on all
//! caller-saved general, vector and mask registers is called through a trampoline built by the
//! same macro, from assembly that loads known values first and stores them after.
use std::cell::Cell;

use super::*;

thread_local! {
    /// What the target last received on this thread (tests run in parallel).
    static ARGUMENT_SEEN: Cell<usize> = const { Cell::new(0) };
}
const RESULT: usize = 0x5eed_5eed;

/// Records its argument, overwrites every caller-saved register it may, returns [`RESULT`].
#[rustfmt::skip] // the registers read best as a table
extern "C" fn scribble(argument: usize) -> usize {
    ARGUMENT_SEEN.set(argument);
    // SAFETY: only writes registers, all declared clobbered by `clobber_abi("C")`.
    unsafe {
        asm!(
            "mov rax, -1", "mov rcx, -1", "mov rdx, -1", "mov rsi, -1", "mov rdi, -1",
            "mov r8, -1", "mov r9, -1", "mov r10, -1", "mov r11, -1",
            "pcmpeqd xmm0, xmm0", "pcmpeqd xmm1, xmm1", "pcmpeqd xmm2, xmm2", "pcmpeqd xmm3, xmm3",
            "pcmpeqd xmm4, xmm4", "pcmpeqd xmm5, xmm5", "pcmpeqd xmm6, xmm6", "pcmpeqd xmm7, xmm7",
            "pcmpeqd xmm8, xmm8", "pcmpeqd xmm9, xmm9", "pcmpeqd xmm10, xmm10", "pcmpeqd xmm11, xmm11",
            "pcmpeqd xmm12, xmm12", "pcmpeqd xmm13, xmm13", "pcmpeqd xmm14, xmm14", "pcmpeqd xmm15, xmm15",
            clobber_abi("C"),
        );
    }
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F (checked above).
        unsafe { scribble_avx512() };
    }
    RESULT
}

#[rustfmt::skip]
#[target_feature(enable = "avx512f")]
unsafe fn scribble_avx512() {
    // SAFETY: only writes registers, all declared clobbered by `clobber_abi("C")`.
    unsafe {
        asm!(
            "vpternlogd zmm0, zmm0, zmm0, 0xff", "vpternlogd zmm1, zmm1, zmm1, 0xff",
            "vpternlogd zmm2, zmm2, zmm2, 0xff", "vpternlogd zmm3, zmm3, zmm3, 0xff",
            "vpternlogd zmm4, zmm4, zmm4, 0xff", "vpternlogd zmm5, zmm5, zmm5, 0xff",
            "vpternlogd zmm6, zmm6, zmm6, 0xff", "vpternlogd zmm7, zmm7, zmm7, 0xff",
            "vpternlogd zmm8, zmm8, zmm8, 0xff", "vpternlogd zmm9, zmm9, zmm9, 0xff",
            "vpternlogd zmm10, zmm10, zmm10, 0xff", "vpternlogd zmm11, zmm11, zmm11, 0xff",
            "vpternlogd zmm12, zmm12, zmm12, 0xff", "vpternlogd zmm13, zmm13, zmm13, 0xff",
            "vpternlogd zmm14, zmm14, zmm14, 0xff", "vpternlogd zmm15, zmm15, zmm15, 0xff",
            "vpternlogd zmm16, zmm16, zmm16, 0xff", "vpternlogd zmm17, zmm17, zmm17, 0xff",
            "vpternlogd zmm18, zmm18, zmm18, 0xff", "vpternlogd zmm19, zmm19, zmm19, 0xff",
            "vpternlogd zmm20, zmm20, zmm20, 0xff", "vpternlogd zmm21, zmm21, zmm21, 0xff",
            "vpternlogd zmm22, zmm22, zmm22, 0xff", "vpternlogd zmm23, zmm23, zmm23, 0xff",
            "vpternlogd zmm24, zmm24, zmm24, 0xff", "vpternlogd zmm25, zmm25, zmm25, 0xff",
            "vpternlogd zmm26, zmm26, zmm26, 0xff", "vpternlogd zmm27, zmm27, zmm27, 0xff",
            "vpternlogd zmm28, zmm28, zmm28, 0xff", "vpternlogd zmm29, zmm29, zmm29, 0xff",
            "vpternlogd zmm30, zmm30, zmm30, 0xff", "vpternlogd zmm31, zmm31, zmm31, 0xff",
            "kxnorw k1, k0, k0", "kxnorw k2, k0, k0", "kxnorw k3, k0, k0", "kxnorw k4, k0, k0",
            "kxnorw k5, k0, k0", "kxnorw k6, k0, k0", "kxnorw k7, k0, k0",
            clobber_abi("C"),
        );
    }
}

keep_everything_trampoline!(scribbling_trampoline, scribble);
keep_everything_trampoline!(scribbling_fxsave_trampoline, scribble, "clc");

/// Values for the nine caller-saved general registers, distinct from the scribble.
fn general_values() -> [u64; 9] {
    std::array::from_fn(|i| 0x0101_0101_0101_0101u64.wrapping_mul(i as u64 + 2))
}

/// Calls the scribbling trampoline the way `hit`'s cold stub does (red zone stepped over,
/// argument pushed, result popped) with `general_values` in the general registers and
/// `vectors` in xmm0-15; returns the registers after, the vectors after, and the result.
#[rustfmt::skip]
fn call_keeping_sse(
    trampoline: unsafe extern "C" fn(),
    argument: usize,
    vectors: &[u8; 256],
) -> ([u64; 9], [u8; 256], usize) {
    let g = general_values();
    let (mut out, mut after, result): ([u64; 9], [u8; 256], usize) = ([0; 9], [0; 256], 0);
    let mut result_reg = result;
    // SAFETY: loads and stores stay inside `vectors` and `after`; the call keeps the stack
    // balanced and clear of the red zone; every other register is declared.
    unsafe {
        asm!(
            "movdqu xmm0, [{v}]", "movdqu xmm1, [{v} + 16]", "movdqu xmm2, [{v} + 32]",
            "movdqu xmm3, [{v} + 48]", "movdqu xmm4, [{v} + 64]", "movdqu xmm5, [{v} + 80]",
            "movdqu xmm6, [{v} + 96]", "movdqu xmm7, [{v} + 112]", "movdqu xmm8, [{v} + 128]",
            "movdqu xmm9, [{v} + 144]", "movdqu xmm10, [{v} + 160]", "movdqu xmm11, [{v} + 176]",
            "movdqu xmm12, [{v} + 192]", "movdqu xmm13, [{v} + 208]", "movdqu xmm14, [{v} + 224]",
            "movdqu xmm15, [{v} + 240]",
            "lea rsp, [rsp - 128]",
            "push {arg}",
            "call {t}",
            "pop r12",
            "lea rsp, [rsp + 128]",
            "movdqu [{a}], xmm0", "movdqu [{a} + 16], xmm1", "movdqu [{a} + 32], xmm2",
            "movdqu [{a} + 48], xmm3", "movdqu [{a} + 64], xmm4", "movdqu [{a} + 80], xmm5",
            "movdqu [{a} + 96], xmm6", "movdqu [{a} + 112], xmm7", "movdqu [{a} + 128], xmm8",
            "movdqu [{a} + 144], xmm9", "movdqu [{a} + 160], xmm10", "movdqu [{a} + 176], xmm11",
            "movdqu [{a} + 192], xmm12", "movdqu [{a} + 208], xmm13", "movdqu [{a} + 224], xmm14",
            "movdqu [{a} + 240], xmm15",
            v = in(reg) vectors.as_ptr(),
            a = in(reg) after.as_mut_ptr(),
            arg = in(reg) argument,
            out("r12") result_reg,
            t = in(reg) trampoline,
            inout("rax") g[0] => out[0],
            inout("rcx") g[1] => out[1],
            inout("rdx") g[2] => out[2],
            inout("rsi") g[3] => out[3],
            inout("rdi") g[4] => out[4],
            inout("r8") g[5] => out[5],
            inout("r9") g[6] => out[6],
            inout("r10") g[7] => out[7],
            inout("r11") g[8] => out[8],
            clobber_abi("C"),
        );
    }
    (out, after, result_reg)
}

/// The same with zmm0-31 and k1-7 (AVX-512).
#[rustfmt::skip]
#[target_feature(enable = "avx512f")]
unsafe fn call_keeping_avx512(vectors: &[u8; 2048], masks: &[u16; 8]) -> ([u8; 2048], [u16; 8], usize) {
    let (mut after, mut masks_after) = ([0u8; 2048], [0u16; 8]);
    let result: usize;
    // SAFETY: as in `call_keeping_sse`.
    unsafe {
        asm!(
            "vmovdqu64 zmm0, [{v}]", "vmovdqu64 zmm1, [{v} + 64]", "vmovdqu64 zmm2, [{v} + 128]",
            "vmovdqu64 zmm3, [{v} + 192]", "vmovdqu64 zmm4, [{v} + 256]", "vmovdqu64 zmm5, [{v} + 320]",
            "vmovdqu64 zmm6, [{v} + 384]", "vmovdqu64 zmm7, [{v} + 448]", "vmovdqu64 zmm8, [{v} + 512]",
            "vmovdqu64 zmm9, [{v} + 576]", "vmovdqu64 zmm10, [{v} + 640]", "vmovdqu64 zmm11, [{v} + 704]",
            "vmovdqu64 zmm12, [{v} + 768]", "vmovdqu64 zmm13, [{v} + 832]", "vmovdqu64 zmm14, [{v} + 896]",
            "vmovdqu64 zmm15, [{v} + 960]", "vmovdqu64 zmm16, [{v} + 1024]", "vmovdqu64 zmm17, [{v} + 1088]",
            "vmovdqu64 zmm18, [{v} + 1152]", "vmovdqu64 zmm19, [{v} + 1216]", "vmovdqu64 zmm20, [{v} + 1280]",
            "vmovdqu64 zmm21, [{v} + 1344]", "vmovdqu64 zmm22, [{v} + 1408]", "vmovdqu64 zmm23, [{v} + 1472]",
            "vmovdqu64 zmm24, [{v} + 1536]", "vmovdqu64 zmm25, [{v} + 1600]", "vmovdqu64 zmm26, [{v} + 1664]",
            "vmovdqu64 zmm27, [{v} + 1728]", "vmovdqu64 zmm28, [{v} + 1792]", "vmovdqu64 zmm29, [{v} + 1856]",
            "vmovdqu64 zmm30, [{v} + 1920]", "vmovdqu64 zmm31, [{v} + 1984]",
            "kmovw k1, word ptr [{m} + 2]", "kmovw k2, word ptr [{m} + 4]", "kmovw k3, word ptr [{m} + 6]",
            "kmovw k4, word ptr [{m} + 8]", "kmovw k5, word ptr [{m} + 10]", "kmovw k6, word ptr [{m} + 12]",
            "kmovw k7, word ptr [{m} + 14]",
            "lea rsp, [rsp - 128]",
            "push {arg}",
            "call {t}",
            "pop r12",
            "lea rsp, [rsp + 128]",
            "vmovdqu64 [{a}], zmm0", "vmovdqu64 [{a} + 64], zmm1", "vmovdqu64 [{a} + 128], zmm2",
            "vmovdqu64 [{a} + 192], zmm3", "vmovdqu64 [{a} + 256], zmm4", "vmovdqu64 [{a} + 320], zmm5",
            "vmovdqu64 [{a} + 384], zmm6", "vmovdqu64 [{a} + 448], zmm7", "vmovdqu64 [{a} + 512], zmm8",
            "vmovdqu64 [{a} + 576], zmm9", "vmovdqu64 [{a} + 640], zmm10", "vmovdqu64 [{a} + 704], zmm11",
            "vmovdqu64 [{a} + 768], zmm12", "vmovdqu64 [{a} + 832], zmm13", "vmovdqu64 [{a} + 896], zmm14",
            "vmovdqu64 [{a} + 960], zmm15", "vmovdqu64 [{a} + 1024], zmm16", "vmovdqu64 [{a} + 1088], zmm17",
            "vmovdqu64 [{a} + 1152], zmm18", "vmovdqu64 [{a} + 1216], zmm19", "vmovdqu64 [{a} + 1280], zmm20",
            "vmovdqu64 [{a} + 1344], zmm21", "vmovdqu64 [{a} + 1408], zmm22", "vmovdqu64 [{a} + 1472], zmm23",
            "vmovdqu64 [{a} + 1536], zmm24", "vmovdqu64 [{a} + 1600], zmm25", "vmovdqu64 [{a} + 1664], zmm26",
            "vmovdqu64 [{a} + 1728], zmm27", "vmovdqu64 [{a} + 1792], zmm28", "vmovdqu64 [{a} + 1856], zmm29",
            "vmovdqu64 [{a} + 1920], zmm30", "vmovdqu64 [{a} + 1984], zmm31",
            "kmovw word ptr [{n} + 2], k1", "kmovw word ptr [{n} + 4], k2", "kmovw word ptr [{n} + 6], k3",
            "kmovw word ptr [{n} + 8], k4", "kmovw word ptr [{n} + 10], k5", "kmovw word ptr [{n} + 12], k6",
            "kmovw word ptr [{n} + 14], k7",
            v = in(reg) vectors.as_ptr(),
            a = in(reg) after.as_mut_ptr(),
            m = in(reg) masks.as_ptr(),
            n = in(reg) masks_after.as_mut_ptr(),
            arg = in(reg) 7usize,
            out("r12") result,
            t = sym scribbling_trampoline,
            clobber_abi("C"),
        );
    }
    (after, masks_after, result)
}

#[test]
fn the_trampoline_keeps_general_and_sse_registers() {
    let vectors: [u8; 256] = std::array::from_fn(|i| (i as u8).wrapping_mul(7).wrapping_add(3));
    for (trampoline, what) in
        [(scribbling_trampoline as unsafe extern "C" fn(), "xsave"), (scribbling_fxsave_trampoline, "fxsave")]
    {
        let argument = if what == "xsave" { 0xa5a5 } else { 0x5a5a };
        let (general, after, result) = call_keeping_sse(trampoline, argument, &vectors);
        assert_eq!(ARGUMENT_SEEN.get(), argument, "{what}: the argument arrived");
        assert_eq!(result, RESULT, "{what}: the result came back where the argument was");
        assert_eq!(general, general_values(), "{what}: rax, rcx, rdx, rsi, rdi, r8-r11 kept");
        assert_eq!(after, vectors, "{what}: xmm0-15 kept");
    }
}

#[test]
fn the_trampoline_keeps_avx512_registers() {
    if !std::arch::is_x86_feature_detected!("avx512f") {
        eprintln!("skipped: this CPU has no AVX-512F; the SSE test covers xmm0-15");
        return;
    }
    let vectors: [u8; 2048] = std::array::from_fn(|i| (i as u8).wrapping_mul(13).wrapping_add(1));
    let masks: [u16; 8] = std::array::from_fn(|i| 0x1234u16.wrapping_mul(i as u16 + 1));
    // SAFETY: the CPU has AVX-512F (checked above).
    let (after, masks_after, result) = unsafe { call_keeping_avx512(&vectors, &masks) };
    assert_eq!(result, RESULT);
    assert!(after == vectors, "zmm0-31 kept");
    assert_eq!(masks_after[1..], masks[1..], "k1-k7 kept");
}

#[test]
fn the_call_bias_is_per_thread_and_starts_at_zero() {
    let fresh = std::thread::spawn(|| {
        let before = crate::count::call_bias::get();
        crate::count::call_bias::set(0x40);
        (before, crate::count::call_bias::get())
    });
    let other = std::thread::spawn(crate::count::call_bias::get);
    let (before, after) = fresh.join().expect("thread ran");
    assert_eq!((before, after), (0, 0x40), "a new thread starts at 0 and keeps what it sets");
    assert_eq!(other.join().expect("thread ran"), 0, "one thread's bias is not another's");
}
