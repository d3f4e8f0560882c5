//! Timing side-channel test in the style of dudect (Reparaz, Balasch and
//! Verbauwhede, "Dude, is my code constant time?", DATE 2017).
//!
//! ```sh
//! cargo bench --bench timing                 # every comparison, 15 s each (~3.5 min)
//! cargo bench --bench timing -- --seconds 60 # longer: more measurements, more power
//! cargo bench --bench timing -- verify/      # only the comparisons whose name matches
//! ```
//!
//! Each comparison has two classes of input. Measurements are taken in
//! batches; in each batch the class of every measurement is drawn at random
//! beforehand, so both classes see the same machine noise (frequency
//! changes, other processes, interrupts), and every call is timed with
//! `Instant` (no rdtsc). Welch's t-test then compares the two timing
//! distributions, on all measurements and, as dudect does, on the
//! measurements below each of 100 percentiles of the first batch (cropping
//! the long tail that noise adds); the largest `|t|` of the 101 is reported.
//! `|t|` below 4.5 means the test detected no difference; the larger `|t|`,
//! the surer the difference.
//!
//! The comparisons:
//!
//! - `verify/first-vs-last-byte`: `Verifier::verify_at` with a signature
//!   that differs from the correct one in its first byte, against one that
//!   differs in its last byte. An early-exit comparison would leak here.
//! - `verify/wrong-vs-right`: a random wrong signature against the right
//!   one, same length.
//! - `verify/upper-vs-lower-hex`: the right signature in upper-case hex
//!   against the same in lower-case.
//! - `verify/same-header/near-vs-far-miss`: the header is the same in both
//!   classes, byte for byte; only the body changes, and with it the tag the
//!   verifier expects: one body whose tag differs from the header's
//!   signature in its last byte only, against random bodies of the same
//!   length whose tags differ everywhere. The parser sees identical input,
//!   so this isolates what happens to the secret-derived tag.
//! - `parse/*`: `SignatureHeader::parse` alone on the same headers as the
//!   `verify/*` comparisons: how the handling of the attacker's own bytes
//!   contributes.
//! - `ct_eq/*`: the comparison the verifier uses (`subtle`'s `ct_eq` on the
//!   32-byte tags) on its own, 64 calls per measurement.
//! - `control/*`: positive controls, the same measurements with an
//!   early-exit byte comparison (the bug this test exists to catch) added,
//!   which must show a large `|t|`, or the test is too weak to mean anything
//!   on this machine; and a null control, both classes drawn from the same
//!   inputs, which must not.
//!
//! Not a test: the outcome depends on the machine and its load, so it is
//! run by hand and its figures recorded (SECURITY.md), never asserted in CI.

use std::hint::black_box;
use std::time::{Duration, Instant};

use signed_webhooks::{SignatureHeader, Signer, Verifier};
use subtle::ConstantTimeEq;

const SECRET: &str = "whsec_timing_0123456789abcdef0123456789abcdef";
const BODY: &[u8] = br#"{"id":"evt_1","type":"creator.approved"}"#;
const T: i64 = 1_790_000_000;
/// The dudect threshold: below it, no leak was detected.
const THRESHOLD: f64 = 4.5;
/// Measurements per batch; the first batch also sets the crop percentiles.
const BATCH: usize = 50_000;
/// Distinct inputs per class.
const POOL: usize = 256;
/// Calls per measurement in the `ct_eq` comparisons, which take nanoseconds.
const INNER: usize = 64;

/// Times one call on input `i` of a class, in ns. The input is first copied
/// into a buffer both classes share, outside the timed part, so that every
/// call reads the same (hot) memory whatever its class: otherwise where
/// each class's inputs happen to sit (cache lines, 4 KiB aliasing) shows up
/// as a difference of its own.
type Op<'a> = Box<dyn FnMut(usize, usize) -> u64 + 'a>;

struct Comparison<'a> {
    name: &'static str,
    what: [&'static str; 2],
    op: Op<'a>,
}

/// splitmix64: enough to draw classes and inputs; not for secrets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

/// Welford's running mean and variance for the two classes.
#[derive(Clone, Copy, Default)]
struct Welch {
    n: [f64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    fn push(&mut self, class: usize, x: f64) {
        self.n[class] += 1.0;
        let delta = x - self.mean[class];
        self.mean[class] += delta / self.n[class];
        self.m2[class] += delta * (x - self.mean[class]);
    }

    fn t(&self) -> f64 {
        if self.n[0] < 2.0 || self.n[1] < 2.0 {
            return 0.0;
        }
        let var0 = self.m2[0] / (self.n[0] - 1.0);
        let var1 = self.m2[1] / (self.n[1] - 1.0);
        let den = (var0 / self.n[0] + var1 / self.n[1]).sqrt();
        if den == 0.0 {
            0.0
        } else {
            (self.mean[0] - self.mean[1]) / den
        }
    }

    fn count(&self) -> u64 {
        (self.n[0] + self.n[1]) as u64
    }
}

struct Outcome {
    /// Welch's t on every measurement.
    t_all: f64,
    /// The largest `|t|` over the uncropped test and the 100 crops, signed.
    t_max: f64,
    /// The measurements in the test that gave `t_max`.
    n_at_max: u64,
    /// Which test gave `t_max`: `None` for the uncropped one.
    crop_at_max: Option<f64>,
    n: u64,
    /// Median time per measurement of each class, in ns.
    median: [u64; 2],
}

/// dudect's crop points: the percentiles `1 - 0.5^(10 (i + 1) / 100)`.
fn crop_thresholds(samples: &[u64]) -> Vec<(f64, f64)> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    (0..100)
        .map(|i| {
            let p = 1.0 - 0.5f64.powf(f64::from(10 * (i + 1)) / 100.0);
            let at = ((sorted.len() - 1) as f64 * p).round() as usize;
            (p, sorted[at] as f64)
        })
        .collect()
}

fn run(comparison: &mut Comparison<'_>, budget: Duration, rng: &mut Rng) -> Outcome {
    let mut classes = vec![0usize; BATCH];
    let mut inputs = vec![0usize; BATCH];
    let mut times = vec![0u64; BATCH];
    let mut all = Welch::default();
    let mut crops: Vec<(f64, f64, Welch)> = Vec::new();
    let mut first_batch: [Vec<u64>; 2] = [Vec::new(), Vec::new()];

    // Warm up caches, branch predictors and the CPU's clock.
    for i in 0..BATCH / 5 {
        (comparison.op)(i % 2, i % POOL);
    }

    let start = Instant::now();
    let mut batches = 0;
    while batches < 2 || start.elapsed() < budget {
        for (class, input) in classes.iter_mut().zip(inputs.iter_mut()) {
            *class = usize::from(rng.next() & 1 == 1);
            *input = rng.below(POOL);
        }
        for ((time, &class), &input) in times.iter_mut().zip(&classes).zip(&inputs) {
            *time = (comparison.op)(class, input);
        }
        if batches == 0 {
            crops = crop_thresholds(&times)
                .into_iter()
                .map(|(p, limit)| (p, limit, Welch::default()))
                .collect();
            for (&class, &time) in classes.iter().zip(&times) {
                first_batch[class].push(time);
            }
        }
        for (&class, &time) in classes.iter().zip(&times) {
            let x = time as f64;
            all.push(class, x);
            for (_, limit, test) in crops.iter_mut() {
                if x < *limit {
                    test.push(class, x);
                }
            }
        }
        batches += 1;
    }

    let mut t_max = all.t();
    let mut n_at_max = all.count();
    let mut crop_at_max = None;
    for (p, _, test) in &crops {
        if test.t().abs() > t_max.abs() {
            t_max = test.t();
            n_at_max = test.count();
            crop_at_max = Some(*p);
        }
    }
    let median = first_batch.map(|mut v| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    });
    Outcome {
        t_all: all.t(),
        t_max,
        n_at_max,
        crop_at_max,
        n: all.count(),
        median,
    }
}

/// The bug these tests look for: a comparison that stops at the first
/// difference. `black_box` keeps the compiler from turning it into one
/// wide compare.
fn early_exit_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    for i in 0..32 {
        if black_box(a[i]) != black_box(b[i]) {
            return false;
        }
    }
    true
}

/// Tags per class (decoded signatures), and the right tag.
type Tags = [Vec<[u8; 32]>; 2];

/// `verify_at` on header `i` of a class: the whole path a request takes.
/// With `leaky`, an early-exit comparison of the decoded tag with the right
/// one is timed too (the positive control).
fn verify_op<'a>(
    verifier: &'a Verifier,
    headers: &'a [Vec<String>; 2],
    leaky: Option<(&'a Tags, [u8; 32])>,
) -> Op<'a> {
    let mut slot = String::with_capacity(128);
    let mut tag_slot = [0u8; 32];
    Box::new(move |class, i| {
        slot.clear();
        slot.push_str(&headers[class][i]);
        if let Some((tags, _)) = leaky {
            tag_slot = tags[class][i];
        }
        let before = Instant::now();
        let _ = black_box(verifier.verify_at(black_box(&slot), BODY, T));
        if let Some((_, right)) = leaky {
            black_box(early_exit_eq(&right, black_box(&tag_slot)));
        }
        before.elapsed().as_nanos() as u64
    })
}

/// `verify_at` on one fixed header and body `i` of a class. With `leaky`,
/// an early-exit comparison of the tag expected for that body with the
/// header's signature is timed too (the positive control).
fn body_op<'a>(
    verifier: &'a Verifier,
    header: &'a str,
    bodies: &'a [Vec<Vec<u8>>; 2],
    leaky: Option<(&'a Tags, [u8; 32])>,
) -> Op<'a> {
    let mut slot = Vec::with_capacity(BODY.len());
    let mut tag_slot = [0u8; 32];
    Box::new(move |class, i| {
        slot.clear();
        slot.extend_from_slice(&bodies[class][i]);
        if let Some((tags, _)) = leaky {
            tag_slot = tags[class][i];
        }
        let before = Instant::now();
        let _ = black_box(verifier.verify_at(black_box(header), black_box(&slot), T));
        if let Some((_, presented)) = leaky {
            black_box(early_exit_eq(&black_box(tag_slot), &presented));
        }
        before.elapsed().as_nanos() as u64
    })
}

/// `SignatureHeader::parse` alone on header `i` of a class: the handling
/// of the attacker's own bytes, to tell it apart from the comparison.
fn parse_op(headers: &[Vec<String>; 2]) -> Op<'_> {
    let mut slot = String::with_capacity(128);
    Box::new(move |class, i| {
        slot.clear();
        slot.push_str(&headers[class][i]);
        let before = Instant::now();
        let _ = black_box(SignatureHeader::parse(black_box(&slot)));
        before.elapsed().as_nanos() as u64
    })
}

/// The verifier's comparison on its own: `ct_eq` of the right tag and tag
/// `i` of a class, `INNER` times; with `leaky`, the early-exit comparison
/// instead (the positive control).
fn compare_op(right: [u8; 32], tags: &Tags, leaky: bool) -> Op<'_> {
    Box::new(move |class, i| {
        // A copy on the stack: the same address for both classes.
        let slot = tags[class][i];
        let before = Instant::now();
        for _ in 0..INNER {
            if leaky {
                black_box(early_exit_eq(&black_box(right), black_box(&slot)));
            } else {
                black_box(bool::from(black_box(right).ct_eq(black_box(&slot))));
            }
        }
        before.elapsed().as_nanos() as u64
    })
}

fn header(sig: &[u8; 32], upper: bool) -> String {
    let hex = if upper {
        hex::encode_upper(sig)
    } else {
        hex::encode(sig)
    };
    format!("t={T},v1={hex}")
}

/// `POOL` inputs per class.
fn pools<X>(mut make: impl FnMut(usize) -> X) -> [Vec<X>; 2] {
    let mut pools = [Vec::with_capacity(POOL), Vec::with_capacity(POOL)];
    for _ in 0..POOL {
        for (class, pool) in pools.iter_mut().enumerate() {
            pool.push(make(class));
        }
    }
    pools
}

/// The correct tag with `index` changed to a random other value.
fn wrong_at(right: &[u8; 32], index: usize, rng: &mut Rng) -> [u8; 32] {
    let mut tag = *right;
    tag[index] ^= rng.byte() | 1;
    tag
}

struct Args {
    seconds: u64,
    seed: u64,
    filters: Vec<String>,
}

fn args() -> Args {
    let mut parsed = Args {
        seconds: 15,
        seed: 0x5eed,
        filters: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            "--seconds" => parsed.seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(15),
            "--seed" => parsed.seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(0),
            "--help" | "-h" => {
                println!(
                    "usage: cargo bench --bench timing -- [--seconds N] [--seed N] [NAME-FILTER...]"
                );
                std::process::exit(0);
            }
            filter => parsed.filters.push(filter.to_owned()),
        }
    }
    parsed
}

fn main() {
    let args = args();
    let mut rng = Rng(args.seed);

    let verifier = Verifier::new(SECRET).expect("valid secret");
    let signed = Signer::new(SECRET).expect("valid secret").sign_at(BODY, T);
    let right: [u8; 32] = *verifier
        .verify_at(&signed, BODY, T)
        .expect("signed")
        .signature();

    // verify/first-vs-last-byte and its control.
    let first_last = pools(|class| wrong_at(&right, if class == 0 { 0 } else { 31 }, &mut rng));
    let first_last_headers = first_last.clone().map(|tags| {
        tags.iter()
            .map(|tag| header(tag, false))
            .collect::<Vec<_>>()
    });
    // verify/wrong-vs-right: class 0 the right signature, class 1 random ones.
    let wrong_right = pools(|class| {
        if class == 0 {
            right
        } else {
            std::array::from_fn(|_| rng.byte())
        }
    });
    let wrong_right_headers = wrong_right.clone().map(|tags| {
        tags.iter()
            .map(|tag| header(tag, false))
            .collect::<Vec<_>>()
    });
    // verify/upper-vs-lower-hex: the right signature in either case.
    let case_headers = pools(|class| header(&right, class == 0));

    // verify/same-header/near-vs-far-miss: one header; class 0 the body
    // whose tag it misses by the last byte, class 1 random bodies.
    let near_miss = wrong_at(&right, 31, &mut rng);
    let near_miss_header = header(&near_miss, false);
    let bodies = pools(|class| {
        if class == 0 {
            BODY.to_vec()
        } else {
            (0..BODY.len()).map(|_| rng.byte()).collect()
        }
    });
    let signer = Signer::new(SECRET).expect("valid secret");
    let body_tags = bodies.clone().map(|bodies| {
        bodies
            .iter()
            .map(|body| {
                let header = signer.sign_at(body, T);
                let hex = header.rsplit_once("v1=").expect("v1").1;
                <[u8; 32]>::try_from(hex::decode(hex).expect("hex")).expect("32 bytes")
            })
            .collect::<Vec<_>>()
    });

    // The null control: two classes drawn from the same inputs.
    let same = [first_last_headers[0].clone(), first_last_headers[0].clone()];

    let mut comparisons = [
        Comparison {
            name: "verify/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            op: verify_op(&verifier, &first_last_headers, None),
        },
        Comparison {
            name: "verify/wrong-vs-right",
            what: ["right signature", "random wrong signature"],
            op: verify_op(&verifier, &wrong_right_headers, None),
        },
        Comparison {
            name: "verify/upper-vs-lower-hex",
            what: ["upper-case hex", "lower-case hex"],
            op: verify_op(&verifier, &case_headers, None),
        },
        Comparison {
            name: "verify/same-header/near-vs-far-miss",
            what: ["tag missed by its last byte", "random tags"],
            op: body_op(&verifier, &near_miss_header, &bodies, None),
        },
        Comparison {
            name: "parse/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            op: parse_op(&first_last_headers),
        },
        Comparison {
            name: "parse/wrong-vs-right",
            what: ["right signature", "random wrong signature"],
            op: parse_op(&wrong_right_headers),
        },
        Comparison {
            name: "parse/upper-vs-lower-hex",
            what: ["upper-case hex", "lower-case hex"],
            op: parse_op(&case_headers),
        },
        Comparison {
            name: "ct_eq/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            op: compare_op(right, &first_last, false),
        },
        Comparison {
            name: "ct_eq/wrong-vs-right",
            what: ["right tag", "random wrong tag"],
            op: compare_op(right, &wrong_right, false),
        },
        Comparison {
            name: "control/verify+early-exit/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            op: verify_op(&verifier, &first_last_headers, Some((&first_last, right))),
        },
        Comparison {
            name: "control/verify+early-exit/same-header/near-vs-far-miss",
            what: ["tag missed by its last byte", "random tags"],
            op: body_op(
                &verifier,
                &near_miss_header,
                &bodies,
                Some((&body_tags, near_miss)),
            ),
        },
        Comparison {
            name: "control/early-exit/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            op: compare_op(right, &first_last, true),
        },
        Comparison {
            name: "control/null/verify-same-inputs",
            what: ["first byte wrong", "first byte wrong (same inputs)"],
            op: verify_op(&verifier, &same, None),
        },
    ];

    let selected: Vec<_> = comparisons
        .iter_mut()
        .filter(|c| args.filters.is_empty() || args.filters.iter().any(|f| c.name.contains(f)))
        .collect();
    println!(
        "dudect-style timing test: {} comparison(s), {} s each, seed {}, batches of {BATCH}",
        selected.len(),
        args.seconds,
        args.seed
    );
    println!("|t| < {THRESHOLD}: no timing difference detected\n");
    for comparison in selected {
        let outcome = run(comparison, Duration::from_secs(args.seconds), &mut rng);
        let crop = outcome.crop_at_max.map_or("uncropped".to_owned(), |p| {
            format!("crop p{:.1}", p * 100.0)
        });
        let verdict = if outcome.t_max.abs() < THRESHOLD {
            "no leak detected"
        } else if comparison.name.starts_with("control/null/") {
            "DIFFERENCE DETECTED IN THE NULL CONTROL: the harness is biased here"
        } else if comparison.name.starts_with("control/") {
            "difference detected (expected: positive control)"
        } else {
            "DIFFERENCE DETECTED"
        };
        println!("{}", comparison.name);
        println!(
            "  classes: {} (median {} ns) vs {} (median {} ns)",
            comparison.what[0], outcome.median[0], comparison.what[1], outcome.median[1]
        );
        println!(
            "  n = {}, t(all) = {:+.2}, max |t| = {:.2} ({crop}, n = {}): {verdict}",
            outcome.n,
            outcome.t_all,
            outcome.t_max.abs(),
            outcome.n_at_max
        );
    }
}
