//! The crate's own costs in criterion's absolute terms, per provider and
//! body size, with the limit beside them: the `hmac` crate's pre-keyed
//! HMAC-SHA256 of the same signed message. The cases are those of the
//! `paired` bench (`common/cases.rs`), which gives the ratios.
//!
//! ```sh
//! cargo bench --bench verify                       # everything (~15 min)
//! cargo bench --bench verify -- unleeshed-1KiB/    # one provider and size
//! python3 benches/table.py                         # medians of the last run
//! ```

#[path = "common/cases.rs"]
mod cases;
mod common;
#[path = "common/mirrors.rs"]
mod mirrors;

use std::time::Instant;

use common::{SIZES, label, unix_now};
use criterion::{Criterion, Throughput};

fn main() {
    let mut c = Criterion::default().configure_from_args();
    for size in SIZES {
        for (name, secret, family) in cases::families() {
            let mut group = c.benchmark_group(format!("{name}-{}", label(size)));
            group.throughput(Throughput::Bytes(size as u64));
            if size >= 1 << 20 {
                group.sample_size(20);
            }
            // Signed right before it is measured, so the clock's check passes.
            for mut contender in cases::for_provider(name, secret, &family, size, unix_now()) {
                group.bench_function(contender.name.clone(), |b| {
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        (contender.run)(iters);
                        start.elapsed()
                    })
                });
            }
            group.finish();
        }
    }
    c.final_summary();
}
