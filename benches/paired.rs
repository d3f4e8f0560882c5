//! The targets' ratios, measured side by side: every contender runs in
//! short alternating batches, so the machine's load hits all of them alike
//! (see `common/paired.rs`). Criterion's `verify` bench gives the full
//! matrix; this one gives the ratios the targets are judged on.
//!
//! For each provider family, at each size: the limit (`hmac_prekeyed`, the
//! `hmac` crate keyed once and cloned per message, over the exact message
//! the provider signs, assembled in one buffer), then the crate's full
//! `verify` of the same delivery, from an `http::HeaderMap` as a server
//! hands it over, and the other paths a delivery can take.
//!
//! ```sh
//! cargo bench --bench paired                          # ROUNDS=400 BATCH_US=200 by default
//! ONLY=unleeshed,commet SIZES=256,1024 cargo bench --bench paired
//! ```

#[path = "common/cases.rs"]
mod cases;
mod common;
#[path = "common/mirrors.rs"]
mod mirrors;

use std::collections::BTreeMap;
use std::time::Duration;

use common::paired::{Outcome, Settings, compare, print_table};
use common::{SIZES, label, unix_now};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks every bench for its names
    }
    let Settings {
        rounds,
        batch,
        sizes,
    } = Settings::from_env(400, 200, &SIZES);
    let only = std::env::var("ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|o| o == name);

    let families = cases::families();

    // verify / hmac_prekeyed per provider and size, for the summary.
    let mut summary: BTreeMap<(usize, &str), (Outcome, Outcome)> = BTreeMap::new();
    for &size in &sizes {
        for (name, secret, family) in &families {
            if !wanted(name) {
                continue;
            }
            // Signed right before it is measured, so the system clock's
            // check passes.
            let t = unix_now();
            let mut contenders = cases::for_provider(name, secret, family, size, t);
            // Fewer rounds for the big bodies: each batch is one or two calls.
            let (rounds, batch) = if size >= 1 << 20 {
                (rounds / 4, batch.max(Duration::from_millis(2)))
            } else {
                (rounds, batch)
            };
            let mut outcomes = compare(&mut contenders, rounds, batch);
            print_table(&format!("{name}, {} body", label(size)), size, &outcomes);
            let get = |outcomes: &[Outcome], name: &str| {
                outcomes.iter().position(|o| o.name == name).unwrap()
            };
            // verify_event against verify + decode, from the same rounds.
            let mut per_round: Vec<f64> = (outcomes[get(&outcomes, "verify_event")].times.iter())
                .zip(&outcomes[get(&outcomes, "verify")].times)
                .zip(&outcomes[get(&outcomes, "decode")].times)
                .map(|((event, verify), decode)| event / (verify + decode))
                .collect();
            per_round.sort_by(f64::total_cmp);
            let at = |p: f64| per_round[((per_round.len() - 1) as f64 * p).round() as usize];
            println!(
                "\nverify_event / (verify + decode), per round: median {:.3} (IQR {:.3}–{:.3})",
                at(0.5),
                at(0.25),
                at(0.75)
            );
            let verify = outcomes.remove(get(&outcomes, "verify"));
            let verify_at = outcomes.remove(get(&outcomes, "verify_at"));
            summary.insert((size, *name), (verify_at, verify));
        }
    }

    println!(
        "\n#### Summary: full verify / hmac_prekeyed of the same message, median of per-round ratios (IQR)\n"
    );
    let shown: Vec<usize> = sizes.clone();
    print!("| provider | clock |");
    for size in &shown {
        print!(" {} |", label(*size));
    }
    println!();
    println!("| --- | --- |{}", " ---: |".repeat(shown.len()));
    for (name, _, _) in &families {
        if !wanted(name) {
            continue;
        }
        for (which, clock) in [(0, "pinned (`verify_at`)"), (1, "system (`verify`)")] {
            print!("| {name} | {clock} |");
            for size in &shown {
                let (a, b) = &summary[&(*size, *name)];
                let o = if which == 0 { a } else { b };
                print!(
                    " **{:.3}×** ({:.3}–{:.3}) |",
                    o.ratio, o.ratio_iqr.0, o.ratio_iqr.1
                );
            }
            println!();
        }
    }
}
