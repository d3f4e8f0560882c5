//! Side-by-side timing for a noisy machine: the contenders run in short
//! alternating batches, round after round, so a burst of load from other
//! processes hits all of them alike. Each round gives every contender a
//! time per call and a ratio to the reference (the first contender) measured
//! moments apart; the medians over the rounds are reported.

use std::time::{Duration, Instant};

/// A run's settings, from the environment: `ROUNDS` and `BATCH_US` (µs
/// per contender per round), and `SIZES` (comma-separated body sizes).
pub struct Settings {
    /// Rounds of alternating batches.
    pub rounds: usize,
    /// Each contender's batch in a round.
    pub batch: Duration,
    /// Body sizes, in bytes.
    pub sizes: Vec<usize>,
}

impl Settings {
    /// Reads the environment, with these defaults.
    pub fn from_env(rounds: u64, batch_us: u64, sizes: &[usize]) -> Self {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let settings = Settings {
            rounds: number("ROUNDS", rounds) as usize,
            batch: Duration::from_micros(number("BATCH_US", batch_us)),
            sizes: match std::env::var("SIZES") {
                Ok(list) => list.split(',').map(|s| s.parse().unwrap()).collect(),
                Err(_) => sizes.to_vec(),
            },
        };
        println!("rounds: {}, batch: {:?}", settings.rounds, settings.batch);
        settings
    }
}

/// One contender: a name and a closure that makes the given number of calls.
pub struct Contender<'a> {
    pub name: String,
    pub run: Box<dyn FnMut(u64) + 'a>,
}

impl<'a> Contender<'a> {
    /// `call` is made once per iteration; its result goes through `black_box`.
    pub fn new<T>(name: impl Into<String>, mut call: impl FnMut() -> T + 'a) -> Self {
        Contender {
            name: name.into(),
            run: Box::new(move |n| {
                for _ in 0..n {
                    std::hint::black_box(call());
                }
            }),
        }
    }
}

/// The result for one contender.
pub struct Outcome {
    pub name: String,
    /// Median time per call over the rounds, in nanoseconds.
    pub median_ns: f64,
    /// Median over the rounds of (this contender's time / the reference's).
    pub ratio: f64,
    /// The 25th and 75th percentiles of that ratio.
    pub ratio_iqr: (f64, f64),
    /// Time per call in each round, in nanoseconds, in round order.
    pub times: Vec<f64>,
}

fn median(values: &mut [f64]) -> f64 {
    percentile(values, 0.5)
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let i = ((values.len() - 1) as f64 * p).round() as usize;
    values[i]
}

/// Runs `rounds` rounds; in each, every contender runs one batch sized to
/// take about `batch` (calibrated once), in an order that rotates from
/// round to round.
pub fn compare(contenders: &mut [Contender<'_>], rounds: usize, batch: Duration) -> Vec<Outcome> {
    // Calibrate: calls per batch for each contender, after a warm-up.
    let mut sizes = Vec::with_capacity(contenders.len());
    for c in contenders.iter_mut() {
        let mut n = 1u64;
        loop {
            let start = Instant::now();
            (c.run)(n);
            let took = start.elapsed();
            if took >= batch / 4 || n >= 1 << 30 {
                let per_call = took.as_secs_f64() / n as f64;
                sizes.push(((batch.as_secs_f64() / per_call).ceil() as u64).max(1));
                break;
            }
            n *= 2;
        }
    }

    let k = contenders.len();
    let mut times = vec![Vec::with_capacity(rounds); k];
    for round in 0..rounds {
        for j in 0..k {
            let i = (round + j) % k;
            let start = Instant::now();
            (contenders[i].run)(sizes[i]);
            times[i].push(start.elapsed().as_secs_f64() * 1e9 / sizes[i] as f64);
        }
    }

    let reference = times[0].clone();
    contenders
        .iter()
        .zip(&times)
        .map(|(c, t)| {
            let mut ratios: Vec<f64> = t.iter().zip(&reference).map(|(a, b)| a / b).collect();
            Outcome {
                name: c.name.clone(),
                median_ns: median(&mut t.clone()),
                ratio: median(&mut ratios),
                ratio_iqr: (percentile(&mut ratios, 0.25), percentile(&mut ratios, 0.75)),
                times: t.clone(),
            }
        })
        .collect()
}

/// Prints one markdown table for `outcomes`, measured on `bytes`-byte bodies.
pub fn print_table(title: &str, bytes: usize, outcomes: &[Outcome]) {
    println!("\n#### {title}\n");
    println!(
        "| contender | median per call | throughput | ratio to {} (IQR) |",
        outcomes[0].name
    );
    println!("| --- | ---: | ---: | ---: |");
    for o in outcomes {
        let gib_s = bytes as f64 / o.median_ns / 1.073_741_824;
        println!(
            "| {} | {} | {:.2} GiB/s | {:.3}× ({:.3}–{:.3}) |",
            o.name,
            format_ns(o.median_ns),
            gib_s,
            o.ratio,
            o.ratio_iqr.0,
            o.ratio_iqr.1
        );
    }
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}
