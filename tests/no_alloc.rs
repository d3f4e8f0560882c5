//! The verify path allocates nothing: parse, time check, HMAC and compare
//! all work on the stack.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::{NOW, OTHER_SECRET, SECRET, fixture};
use signed_webhooks::{SignatureHeader, Signer, Verifier};

/// Counts allocations made by the current thread, so tests running in
/// parallel do not see each other's.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

#[test]
fn the_counter_sees_allocations() {
    let (count, v) = allocations_during(|| vec![1u8; 100]);
    assert!(count >= 1, "the counting allocator is not in use");
    drop(v);
}

#[test]
fn successful_verification_allocates_nothing() {
    let body = fixture("unleeshed/creator.approved.json");
    let header = Signer::new(SECRET).unwrap().sign_at(&body, NOW);
    let verifier = Verifier::new(SECRET).unwrap();
    verifier.verify_at(&header, &body, NOW).unwrap();

    let (count, result) = allocations_during(|| verifier.verify_at(&header, &body, NOW));
    assert!(result.is_ok());
    assert_eq!(count, 0, "verify_at allocated");

    let fresh = Signer::new(SECRET).unwrap().sign(&body);
    let (count, result) = allocations_during(|| verifier.verify(&fresh, &body));
    assert!(result.is_ok());
    assert_eq!(count, 0, "verify allocated");
}

#[test]
fn rotation_worst_case_allocates_nothing() {
    let body = vec![b'x'; 16 * 1024];
    let third = "custom-secret-number-three-of-at-least-32";
    let verifier = Verifier::from_secrets([OTHER_SECRET, third, SECRET]).unwrap();
    let signer = Signer::from_secrets([third, OTHER_SECRET, SECRET]).unwrap();
    // Three signatures, the matching one (for the last secret) last.
    let header = signer.sign_at(&body, NOW);
    let sigs: Vec<&str> = header.split(",v1=").skip(1).collect();
    let header = format!(
        "t={NOW},v1={},v1={},v1={}",
        "0".repeat(64),
        sigs[0].replace(|c: char| c.is_ascii_digit(), "a"),
        sigs[2]
    );
    let (count, result) = allocations_during(|| verifier.verify_at(&header, &body, NOW));
    assert_eq!(result.unwrap().secret_index(), 2);
    assert_eq!(count, 0);
}

#[test]
fn parsing_and_refusing_allocate_nothing() {
    let verifier = Verifier::new(SECRET).unwrap();
    let body = b"{}";
    let stale = Signer::new(SECRET).unwrap().sign_at(body, NOW - 10_000);
    let forged = format!("t={NOW},v1={}", "ab".repeat(32));
    let (count, _) = allocations_during(|| {
        assert!(SignatureHeader::parse(&forged).is_ok());
        assert!(verifier.verify_at(&stale, body, NOW).is_err());
        assert!(verifier.verify_at(&forged, body, NOW).is_err());
        assert!(verifier.verify_at("t=x", body, NOW).is_err());
    });
    assert_eq!(count, 0);
}
