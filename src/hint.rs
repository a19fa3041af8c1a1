//! Hints to the CPU that change no result.

/// Hint the CPU to bring the cache line of `x` in (no effect on results;
/// the detector's tables and the analysis memos are megabytes, read at
/// random).
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it reads nothing and cannot
    // fault, and the pointer comes from a reference.
    #[allow(unused_unsafe)]
    unsafe {
        core::arch::x86_64::_mm_prefetch(
            x as *const T as *const i8,
            core::arch::x86_64::_MM_HINT_T0,
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
