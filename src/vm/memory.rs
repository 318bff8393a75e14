//! How much heap the process holds now: a global allocator that counts live bytes around the system one,
//! so a run's memory limit (`MemoryError`) is checked against what programs really hold, not against a
//! tally of what they once allocated (which a long loop of short-lived lists would exceed).
//!
//! The count is per process (per wasm instance in the browser, where one run is live at a time; native
//! tests running several programs at once share it, which only makes the limit stricter). Interpreters
//! take the live count at their start as their baseline ([`super::Interp::charge`]).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes. One relaxed atomic add or subtract per call.
pub struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// Not inlined: with LTO the wrapper was copied into every allocation site, which grew the page's wasm by
// 75 KiB (13 KiB gzipped); as one function it costs 4 KiB raw.
//
// SAFETY: every method forwards to `System` with the caller's arguments unchanged and only adds
// bookkeeping on an atomic counter, so `System`'s guarantees carry over.
unsafe impl GlobalAlloc for CountingAllocator {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System.alloc` shares.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator (so by `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by this allocator (so by `System`) with `layout`; the caller
        // upholds `realloc`'s contract on `new_size`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Bytes the process's heap holds now.
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_follows_a_big_allocation_and_its_release() {
        let before = live_bytes();
        let big: Vec<u8> = vec![1; 64 << 20];
        // Other tests allocate concurrently, so compare with slack: 64 MiB dwarfs their noise.
        assert!(
            live_bytes() >= before + (60 << 20),
            "{} {}",
            before,
            live_bytes()
        );
        drop(big);
        assert!(live_bytes() < before + (32 << 20));
    }
}
