//! Empty: the comparison is `benches/before_after.rs`.
