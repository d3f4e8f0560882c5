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
//! `Instant` (no rdtsc). As in dudect, a batch's inputs are all prepared
//! before any is measured, each in the next entry of one array whatever its
//! class, so that where an input sits in memory is as random as its class;
//! each is copied into one buffer shared by every call just before its call
//! is timed. (A first version kept each class's inputs in an array of its
//! own: the null control below then showed |t| up to 9, memory placement
//! posing as a leak.) Welch's t-test then compares the two timing
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

use signed_webhooks::__private::SignatureHeader;
use signed_webhooks::{Signer, Unleeshed, Verifier};

/// The header the signatures travel in.
const HEADER: &str = "x-unleeshed-signature";
use subtle::ConstantTimeEq;

const SECRET: &str = "whsec_timing_0123456789abcdef0123456789abcdef";
const BODY: &[u8] = br#"{"id":"evt_1","type":"creator.approved"}"#;
const T: i64 = 1_790_000_000;
/// The dudect threshold: below it, no leak was detected.
const THRESHOLD: f64 = 4.5;
/// Measurements per batch; the first batch also sets the crop percentiles.
const BATCH: usize = 20_000;
/// Calls per measurement in the `ct_eq` comparisons, which take nanoseconds.
const INNER: usize = 64;
/// The length of `t=<T>,v1=`: where the hex signature starts in a header.
const PREFIX: usize = "t=1790000000,v1=".len();

/// Writes the input of one measurement of a class into its entry.
type Fill<'a> = Box<dyn FnMut(usize, &mut Rng, &mut [u8]) + 'a>;
/// Copies an entry into the buffer every call uses (untimed), then times
/// one call on it, in ns.
type Op<'a> = Box<dyn FnMut(&[u8]) -> u64 + 'a>;

struct Comparison<'a> {
    name: &'static str,
    what: [&'static str; 2],
    /// The size of one entry (one input).
    entry: usize,
    fill: Fill<'a>,
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

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }

    fn fill(&mut self, bytes: &mut [u8]) {
        bytes.iter_mut().for_each(|b| *b = self.byte());
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
    /// Median time per measurement of each class in the first batch, in ns.
    median: [u64; 2],
    /// Mean time per measurement of each class, in ns.
    mean: [f64; 2],
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
    let size = comparison.entry;
    let mut classes = vec![0usize; BATCH];
    let mut entries = vec![0u8; BATCH * size];
    let mut times = vec![0u64; BATCH];
    let mut all = Welch::default();
    let mut crops: Vec<(f64, f64, Welch)> = Vec::new();
    let mut first_batch: [Vec<u64>; 2] = [Vec::new(), Vec::new()];

    // Warm up caches, branch predictors and the CPU's clock.
    let mut entry = vec![0u8; size];
    for i in 0..BATCH {
        (comparison.fill)(i % 2, rng, &mut entry);
        (comparison.op)(&entry);
    }

    let start = Instant::now();
    let mut batches = 0;
    while batches < 2 || start.elapsed() < budget {
        // Prepare the whole batch, then measure it.
        for (class, entry) in classes.iter_mut().zip(entries.chunks_exact_mut(size)) {
            *class = usize::from(rng.next() & 1 == 1);
            (comparison.fill)(*class, rng, entry);
        }
        for (time, entry) in times.iter_mut().zip(entries.chunks_exact(size)) {
            *time = (comparison.op)(entry);
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
        mean: all.mean,
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

fn tag_of(bytes: &[u8]) -> [u8; 32] {
    bytes.try_into().expect("32 bytes")
}

/// `verify_at` on a header entry (`header_len` bytes), with the body
/// `BODY`: the whole path a request takes. With `leaky`, the entry also
/// holds a tag after the header, and an early-exit comparison of it with
/// `leaky` is timed too (the positive control).
fn verify_op(verifier: &Verifier<Unleeshed>, header_len: usize, leaky: Option<[u8; 32]>) -> Op<'_> {
    let mut slot = String::with_capacity(128);
    Box::new(move |entry| {
        let (header, rest) = entry.split_at(header_len);
        slot.clear();
        slot.push_str(std::str::from_utf8(header).expect("ASCII header"));
        let tag = leaky.map(|_| tag_of(rest));
        let before = Instant::now();
        let headers = [(HEADER, slot.as_str())];
        let _ = black_box(verifier.verify_at(black_box(&headers), BODY, T));
        if let (Some(tag), Some(other)) = (tag, leaky) {
            black_box(early_exit_eq(&black_box(tag), &other));
        }
        before.elapsed().as_nanos() as u64
    })
}

/// `verify_at` on one fixed header and a body entry (`BODY.len()` bytes).
/// With `leaky`, the entry also holds the tag expected for the body, and an
/// early-exit comparison of it with the header's signature `leaky` is timed
/// too (the positive control).
fn body_op<'a>(
    verifier: &'a Verifier<Unleeshed>,
    header: &'a str,
    leaky: Option<[u8; 32]>,
) -> Op<'a> {
    let mut slot = Vec::with_capacity(BODY.len());
    Box::new(move |entry| {
        let (body, rest) = entry.split_at(BODY.len());
        slot.clear();
        slot.extend_from_slice(body);
        let tag = leaky.map(|_| tag_of(rest));
        let before = Instant::now();
        let headers = [(HEADER, header)];
        let _ = black_box(verifier.verify_at(black_box(&headers), black_box(&slot), T));
        if let (Some(tag), Some(presented)) = (tag, leaky) {
            black_box(early_exit_eq(&black_box(tag), &presented));
        }
        before.elapsed().as_nanos() as u64
    })
}

/// `SignatureHeader::parse` alone on a header entry: the handling of the
/// attacker's own bytes, to tell it apart from the comparison.
fn parse_op<'a>() -> Op<'a> {
    let mut slot = String::with_capacity(128);
    Box::new(move |entry| {
        slot.clear();
        slot.push_str(std::str::from_utf8(entry).expect("ASCII header"));
        let before = Instant::now();
        let _ = black_box(SignatureHeader::parse(black_box(&slot)));
        before.elapsed().as_nanos() as u64
    })
}

/// The verifier's comparison on its own: `ct_eq` of `right` and a tag
/// entry, `INNER` times; with `leaky`, the early-exit comparison instead
/// (the positive control).
fn compare_op<'a>(right: [u8; 32], leaky: bool) -> Op<'a> {
    Box::new(move |entry| {
        // A copy on the stack: the same address for every call.
        let slot = tag_of(entry);
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

/// Writes the header `t=<T>,v1=<hex of tag>` into `out` (its exact length).
fn write_header(tag: &[u8; 32], upper: bool, out: &mut [u8]) {
    out[..PREFIX].copy_from_slice(format!("t={T},v1=").as_bytes());
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    for (pair, byte) in out[PREFIX..PREFIX + 64].chunks_exact_mut(2).zip(tag) {
        pair[0] = hex[usize::from(byte >> 4)];
        pair[1] = hex[usize::from(byte & 0xf)];
    }
}

/// The right tag with byte `index` changed to a random other value.
fn wrong_at(right: &[u8; 32], index: usize, rng: &mut Rng) -> [u8; 32] {
    let mut tag = *right;
    tag[index] ^= rng.byte() | 1;
    tag
}

/// Class 0: the right tag with its first byte wrong; class 1: its last.
fn first_or_last(right: &[u8; 32], class: usize, rng: &mut Rng) -> [u8; 32] {
    wrong_at(right, if class == 0 { 0 } else { 31 }, rng)
}

/// Class 0: the right tag; class 1: a random one.
fn right_or_random(right: &[u8; 32], class: usize, rng: &mut Rng) -> [u8; 32] {
    let mut tag = *right;
    if class == 1 {
        rng.fill(&mut tag);
    }
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

    let verifier = Verifier::<Unleeshed>::new(SECRET).expect("valid secret");
    let signer = Signer::<Unleeshed>::new(SECRET).expect("valid secret");
    let tag_for = |body: &[u8]| -> [u8; 32] {
        let headers = signer.sign_at(body, T);
        let hex = headers
            .get(HEADER)
            .expect("signed")
            .rsplit_once("v1=")
            .expect("v1")
            .1;
        tag_of(&hex::decode(hex).expect("hex"))
    };
    let right = tag_for(BODY);
    let header_len = PREFIX + 64;

    // verify/same-header/near-vs-far-miss: one header, whose signature is
    // the right tag with its last byte wrong; class 0 the body it was made
    // from, class 1 random bodies, with the tags they give.
    let near_miss = wrong_at(&right, 31, &mut rng);
    let mut near_miss_header = vec![0u8; header_len];
    write_header(&near_miss, false, &mut near_miss_header);
    let near_miss_header = String::from_utf8(near_miss_header).expect("ASCII");
    let random_bodies: Vec<(Vec<u8>, [u8; 32])> = (0..1024)
        .map(|_| {
            let mut body = vec![0u8; BODY.len()];
            rng.fill(&mut body);
            let tag = tag_for(&body);
            (body, tag)
        })
        .collect();
    let fill_body = |class: usize, rng: &mut Rng, entry: &mut [u8]| {
        let (body, tag) = if class == 0 {
            (BODY, &right)
        } else {
            let (body, tag) = &random_bodies[(rng.next() % 1024) as usize];
            (body.as_slice(), tag)
        };
        entry[..BODY.len()].copy_from_slice(body);
        if entry.len() > BODY.len() {
            entry[BODY.len()..].copy_from_slice(tag);
        }
    };

    let mut comparisons = [
        Comparison {
            name: "verify/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            entry: header_len,
            fill: Box::new(|class, rng, entry| {
                write_header(&first_or_last(&right, class, rng), false, entry);
            }),
            op: verify_op(&verifier, header_len, None),
        },
        Comparison {
            name: "verify/wrong-vs-right",
            what: ["right signature", "random wrong signature"],
            entry: header_len,
            fill: Box::new(|class, rng, entry| {
                write_header(&right_or_random(&right, class, rng), false, entry);
            }),
            op: verify_op(&verifier, header_len, None),
        },
        Comparison {
            name: "verify/upper-vs-lower-hex",
            what: ["upper-case hex", "lower-case hex"],
            entry: header_len,
            fill: Box::new(|class, _, entry| write_header(&right, class == 0, entry)),
            op: verify_op(&verifier, header_len, None),
        },
        Comparison {
            name: "verify/same-header/near-vs-far-miss",
            what: ["tag missed by its last byte", "random tags"],
            entry: BODY.len(),
            fill: Box::new(fill_body),
            op: body_op(&verifier, &near_miss_header, None),
        },
        Comparison {
            name: "parse/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            entry: header_len,
            fill: Box::new(|class, rng, entry| {
                write_header(&first_or_last(&right, class, rng), false, entry);
            }),
            op: parse_op(),
        },
        Comparison {
            name: "parse/wrong-vs-right",
            what: ["right signature", "random wrong signature"],
            entry: header_len,
            fill: Box::new(|class, rng, entry| {
                write_header(&right_or_random(&right, class, rng), false, entry);
            }),
            op: parse_op(),
        },
        Comparison {
            name: "parse/upper-vs-lower-hex",
            what: ["upper-case hex", "lower-case hex"],
            entry: header_len,
            fill: Box::new(|class, _, entry| write_header(&right, class == 0, entry)),
            op: parse_op(),
        },
        Comparison {
            name: "ct_eq/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            entry: 32,
            fill: Box::new(|class, rng, entry| {
                entry.copy_from_slice(&first_or_last(&right, class, rng));
            }),
            op: compare_op(right, false),
        },
        Comparison {
            name: "ct_eq/wrong-vs-right",
            what: ["right tag", "random wrong tag"],
            entry: 32,
            fill: Box::new(|class, rng, entry| {
                entry.copy_from_slice(&right_or_random(&right, class, rng));
            }),
            op: compare_op(right, false),
        },
        Comparison {
            name: "control/verify+early-exit/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            entry: header_len + 32,
            fill: Box::new(|class, rng, entry| {
                let tag = first_or_last(&right, class, rng);
                write_header(&tag, false, &mut entry[..header_len]);
                entry[header_len..].copy_from_slice(&tag);
            }),
            op: verify_op(&verifier, header_len, Some(right)),
        },
        Comparison {
            name: "control/verify+early-exit/same-header/near-vs-far-miss",
            what: ["tag missed by its last byte", "random tags"],
            entry: BODY.len() + 32,
            fill: Box::new(fill_body),
            op: body_op(&verifier, &near_miss_header, Some(near_miss)),
        },
        Comparison {
            name: "control/early-exit/first-vs-last-byte",
            what: ["first byte wrong", "last byte wrong"],
            entry: 32,
            fill: Box::new(|class, rng, entry| {
                entry.copy_from_slice(&first_or_last(&right, class, rng));
            }),
            op: compare_op(right, true),
        },
        Comparison {
            name: "control/null/verify-same-inputs",
            what: ["first byte wrong", "first byte wrong (same inputs)"],
            entry: header_len,
            fill: Box::new(|_, rng, entry| {
                write_header(&first_or_last(&right, 0, rng), false, entry);
            }),
            op: verify_op(&verifier, header_len, None),
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
            "  classes: {} (median {} ns, mean {:.1}) vs {} (median {} ns, mean {:.1})",
            comparison.what[0],
            outcome.median[0],
            outcome.mean[0],
            comparison.what[1],
            outcome.median[1],
            outcome.mean[1]
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
