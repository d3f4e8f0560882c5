//! The verify path allocates nothing: headers read from a slice of pairs,
//! parse, time check, HMAC and compare all work on the stack, for every
//! scheme whose signed time is in a header (or that signs none). Commet and
//! LeadLex read a time inside the body: measured below, not assumed.

mod support;

#[macro_use]
#[path = "support/presets.rs"]
mod presets;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use signed_webhooks::__private::SignatureHeader;
use signed_webhooks::{
    Algorithm, Commet, GitHub, LeadLex, Provider, RequestTarget, Signer, Stripe, Unleeshed,
    Verified, Verifier,
};
use support::{NOW, OTHER_SECRET, SECRET, UNLEESHED, fixture, unleeshed};

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

/// The headers `Signer<P>` writes, as the owned pairs a test keeps; they
/// are lent to the verifier as a slice of `(&str, &str)`.
fn signed<P: Provider>(secret: &str, body: &[u8], at: i64) -> Vec<(String, String)> {
    Signer::<P>::new(secret)
        .unwrap()
        .sign_with_id(body, at, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// Verifies once to warm up (lazy statics, thread-locals), then counts the
/// allocations of a second verification.
fn count<P: Provider>(
    verifier: &Verifier<P>,
    headers: &[(&str, &str)],
    body: &[u8],
    now: i64,
) -> (usize, Verified) {
    verifier.verify_at(headers, body, now).unwrap();
    let (count, result) = allocations_during(|| verifier.verify_at(headers, body, now));
    (count, result.unwrap())
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
    let pairs = signed::<Unleeshed>(SECRET, &body, NOW);
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let (allocations, _) = count(&verifier, &borrowed(&pairs), &body, NOW);
    assert_eq!(allocations, 0, "verify_at allocated");

    let fresh = Signer::<Unleeshed>::new(SECRET).unwrap().sign(&body);
    let header = [(UNLEESHED, fresh.get(UNLEESHED).unwrap())];
    let (count, result) = allocations_during(|| verifier.verify(&header, &body));
    assert!(result.is_ok());
    assert_eq!(count, 0, "verify allocated");
}

#[test]
fn every_scheme_with_its_time_in_a_header_verifies_without_allocating() {
    let stripe_body = fixture("stripe/invoice.paid.json");
    let pairs = signed::<Stripe>(SECRET, &stripe_body, NOW);
    let stripe = Verifier::<Stripe>::new(SECRET).unwrap();
    assert_eq!(
        count(&stripe, &borrowed(&pairs), &stripe_body, NOW).0,
        0,
        "stripe"
    );

    let github_body = fixture("github/issues.opened.json");
    let pairs = signed::<GitHub>("It's a Secret to Everybody", &github_body, NOW);
    let mut with_others = borrowed(&pairs);
    with_others.extend([
        ("X-GitHub-Event", "issues"),
        ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
    ]);
    let github = Verifier::<GitHub>::new("It's a Secret to Everybody").unwrap();
    let (allocations, verified) = count(&github, &with_others, &github_body, NOW);
    assert_eq!(allocations, 0, "github");
    assert_eq!(verified.timestamp(), None);
}

#[cfg(feature = "standard-webhooks")]
#[test]
fn standard_webhooks_verifies_without_allocating() {
    use signed_webhooks::{StandardWebhooks, Svix};
    use support::SW_SECRET;

    let body = fixture("standard/contact.created.json");
    let pairs = signed::<StandardWebhooks>(SW_SECRET, &body, NOW);
    let verifier = Verifier::<StandardWebhooks>::new(SW_SECRET).unwrap();
    assert_eq!(count(&verifier, &borrowed(&pairs), &body, NOW).0, 0);

    // Rotation: three signatures and two secrets, under Svix's names.
    let other = "whsec_/xWOUKLcN1wZma0+Sy5x0/g+RuiwNyEQGiudycJeSVo=";
    let rotating = signed::<StandardWebhooks>(other, &body, NOW);
    let signature = |pairs: &[(String, String)]| pairs[2].1.clone();
    let list = format!(
        "v1a,abc {} v1,{} {}",
        signature(&rotating),
        "A".repeat(43) + "=",
        signature(&pairs)
    );
    let svix_headers = [
        ("svix-id", pairs[0].1.as_str()),
        ("svix-timestamp", pairs[1].1.as_str()),
        ("svix-signature", list.as_str()),
    ];
    let svix = Verifier::<Svix>::from_secrets([other, SW_SECRET]).unwrap();
    let (allocations, verified) = count(&svix, &svix_headers, &body, NOW);
    assert_eq!(allocations, 0, "svix, rotation");
    assert_eq!(verified.secret_index(), 0);
}

#[test]
fn rotation_worst_case_allocates_nothing() {
    let body = vec![b'x'; 16 * 1024];
    let third = "custom-secret-number-three-of-at-least-32";
    let verifier = Verifier::<Unleeshed>::from_secrets([OTHER_SECRET, third, SECRET]).unwrap();
    let signer = Signer::<Unleeshed>::from_secrets([third, OTHER_SECRET, SECRET]).unwrap();
    // Three signatures, the matching one (for the last secret) last.
    let headers = signer.sign_at(&body, NOW);
    let sigs: Vec<&str> = headers
        .get(UNLEESHED)
        .unwrap()
        .split(",v1=")
        .skip(1)
        .collect();
    let header = format!(
        "t={NOW},v1={},v1={},v1={}",
        "0".repeat(64),
        sigs[0].replace(|c: char| c.is_ascii_digit(), "a"),
        sigs[2]
    );
    let header = unleeshed(&header);
    let (count, result) = allocations_during(|| verifier.verify_at(&header, &body, NOW));
    assert_eq!(result.unwrap().secret_index(), 2);
    assert_eq!(count, 0);
}

#[test]
fn parsing_and_refusing_allocate_nothing() {
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let body = b"{}";
    let stale = signed::<Unleeshed>(SECRET, body, NOW - 10_000);
    let stale = borrowed(&stale);
    let forged = format!("t={NOW},v1={}", "ab".repeat(32));
    let none: [(&str, &str); 0] = [];
    let (count, _) = allocations_during(|| {
        assert!(SignatureHeader::parse(&forged).is_ok());
        assert!(verifier.verify_at(&stale, body, NOW).is_err());
        assert!(verifier.verify_at(&unleeshed(&forged), body, NOW).is_err());
        assert!(verifier.verify_at(&unleeshed("t=x"), body, NOW).is_err());
        assert!(verifier.verify_at(&none, body, NOW).is_err());
    });
    assert_eq!(count, 0);
}

/// Commet and LeadLex read the emission time from the signed body, once the
/// MAC matched, with a JSON scan (`src/body.rs`) that borrows the values it
/// reads. What it costs, measured: one allocation per top-level key of the
/// body (serde's `Cow<str>` always copies a key), one more for serde_json's
/// scratch buffer when a skipped value nests two levels deep, nothing for
/// the size of the body, non-ASCII text or escapes: 7 or 8 for a Commet
/// envelope (7 keys), 5 for LeadLex's fixtures (4 keys, nested data). The
/// verify path of these two schemes is therefore not allocation-free; it
/// is bounded by the envelope's width, not by the body's size.
mod body_time {
    use super::*;

    /// A Commet envelope (seven top-level keys) around `data`, emitted a
    /// minute before `NOW`.
    fn commet_body(data: &str) -> Vec<u8> {
        format!(
            r#"{{"id":"whev_8AzNvGSAZJw0YBOUMTn9vM1V","event":"subscription.activated","timestamp":"2026-09-21T14:12:20.000Z","organizationId":"org_1","mode":"live","apiVersion":"2026-08-27","data":{data}}}"#
        )
        .into_bytes()
    }

    /// serde_json's scratch buffer, once a skipped value nests two levels
    /// deep; the keys themselves are compared where they lie.
    fn bound(_body: &[u8]) -> usize {
        1
    }

    #[test]
    fn reading_the_body_time_costs_by_the_envelopes_width_not_the_bodys_size() {
        let secret = "whsec_c0mM3tTeStS1gN1nGs3cReTkEy0123";
        let verifier = Verifier::<Commet>::new(secret).unwrap();
        let big: String = (0..2000)
            .map(|i| format!(r#"{{"n":{i},"s":"\u00e9\"{i}\""}},"#))
            .collect();
        let big = format!(r#"{{"rows":[{}null]}}"#, big);
        for (what, body) in [
            (
                "a flat envelope",
                commet_body(r#"{"subscriptionId":"sub_1"}"#),
            ),
            (
                "nested arrays and objects",
                commet_body(r#"{"items":[{"a":[1,2,{"b":null}]},true,-1.5e3]}"#),
            ),
            (
                "non-ASCII text",
                commet_body(r#"{"name":"Société Générale — 東京"}"#),
            ),
            (
                "escaped text",
                commet_body(r#"{"note":"a \"quoted\" word","city":"Montr\u00e9al"}"#),
            ),
            ("2000 rows of escaped text", commet_body(&big)),
        ] {
            let pairs = signed::<Commet>(secret, &body, NOW);
            let (allocations, verified) = count(&verifier, &borrowed(&pairs), &body, NOW);
            assert!(
                allocations <= bound(&body),
                "commet, {what}: {allocations} allocations"
            );

            assert_eq!(verified.timestamp(), Some(NOW - 60), "{what}");
        }
        // Fixtures from Commet's contract and LeadLex's documentation.
        let leadlex_secret = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
        let leadlex = Verifier::<LeadLex>::new(leadlex_secret)
            .unwrap()
            .dangerous_without_timestamp_check();
        let commet = verifier.dangerous_without_timestamp_check();
        for name in [
            "commet/subscription.activated.json",
            "commet/payment.failed.json",
            "leadlex/contact.created.json",
            "leadlex/deal.bulk_created.json",
        ] {
            let body = fixture(name);
            let allocations = if name.starts_with("commet") {
                let pairs = signed::<Commet>(secret, &body, NOW);
                count(&commet, &borrowed(&pairs), &body, NOW).0
            } else {
                let pairs = signed::<LeadLex>(leadlex_secret, &body, NOW);
                count(&leadlex, &borrowed(&pairs), &body, NOW).0
            };
            assert!(allocations <= bound(&body), "{name}: {allocations}");
        }
    }

    /// Reading the time costs nothing per key: a flat envelope, narrow or
    /// wide, is scanned without allocating (the keys were each copied into
    /// a `String` before 0.2.0's final scan; see `src/body.rs`).
    #[test]
    fn the_body_time_scan_allocates_nothing_per_key() {
        let secret = "whsec_c0mM3tTeStS1gN1nGs3cReTkEy0123";
        let verifier = Verifier::<Commet>::new(secret).unwrap();
        let narrow = br#"{"id":"whev_1","timestamp":1789999940}"#.to_vec();
        let wide = br#"{"id":"whev_1","a":1,"b":2,"c":3,"d":4,"timestamp":1789999940}"#.to_vec();
        let escaped_narrow = br#"{"\u0069d":"whev_1","time\u0073tamp":1789999940}"#.to_vec();
        let escaped_wide =
            br#"{"\u0069d":"whev_1","\u0061":1,"\u0062":2,"n\u00e9":3,"time\u0073tamp":1789999940}"#
                .to_vec();
        let mut costs = Vec::new();
        for body in [narrow, wide, escaped_narrow, escaped_wide] {
            let pairs = signed::<Commet>(secret, &body, NOW);
            let (allocations, verified) = count(&verifier, &borrowed(&pairs), &body, NOW);
            assert_eq!(verified.timestamp(), Some(NOW - 60));
            costs.push(allocations);
        }
        // Escaped keys are unescaped in serde_json's scratch buffer, made
        // (and grown) once for the body, not once per key.
        assert_eq!(costs[..2], [0, 0], "{costs:?}");
        assert!(costs[2] <= 2 && costs[3] == costs[2], "{costs:?}");
    }
}

/// Every preset, through one helper: what a successful verification of a
/// delivery `Signer<P>` wrote costs, for a preset's sample body (its time
/// in the body made fresh). URL-signing presets are verified as a
/// receiver at a public origin does (`verify_target_at`).
mod every_preset {
    use super::presets::*;
    use super::*;

    const ORIGIN: &str = "https://hooks.example.com";

    /// The allocations of a second successful verification.
    fn allocations_of<P: Provider>(
        name: &str,
        sample_path: &str,
        verify_key: &str,
        sign_key: &str,
        extra: &[(&str, &str)],
    ) -> usize {
        let body = fresh::<P>(&sample(sample_path), NOW - 60);
        let path = format!("/webhooks/{name}");
        let signs_url = P::scheme().signs_url();
        let (signer, verifier) = if signs_url {
            (
                Signer::<P>::for_url(&format!("{ORIGIN}{path}"), sign_key).unwrap(),
                Verifier::<P>::at_public_origin(ORIGIN, [verify_key]).unwrap(),
            )
        } else {
            (
                Signer::<P>::new(sign_key).unwrap(),
                Verifier::<P>::new(verify_key).unwrap(),
            )
        };
        let pairs: Vec<(String, String)> = signer
            .sign_at(&body, NOW)
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let mut headers = borrowed(&pairs);
        headers.extend_from_slice(extra);
        let target = RequestTarget::new("POST", &path);
        let verify = || {
            if signs_url {
                verifier.verify_target_at(&target, &headers, &body, NOW)
            } else {
                verifier.verify_at(&headers, &body, NOW)
            }
        };
        verify().unwrap_or_else(|e| panic!("{name}: {e}"));
        let (count, result) = allocations_during(verify);
        result.unwrap_or_else(|e| panic!("{name}: {e}"));
        count
    }

    /// One line per preset: its name, its algorithm and what verifying
    /// one of its deliveries allocated.
    macro_rules! measure {
        ($($(#[$meta:meta])* $name:literal => $preset:ident, $sample:literal, $verify_key:expr, $sign_key:expr, [$(($h:literal, $v:literal)),*];)+) => {{
            let mut measured: Vec<(&str, Algorithm, bool, usize, Vec<u8>)> = Vec::new();
            $(
                $(#[$meta])*
                {
                    use signed_webhooks::$preset as P;
                    measured.push((
                        $name,
                        P::scheme().algorithm(),
                        P::scheme().signs_url(),
                        allocations_of::<P>($name, $sample, $verify_key, $sign_key, &[$(($h, $v)),*]),
                        sample($sample),
                    ));
                }
            )+
            measured
        }};
    }

    #[test]
    fn the_preset_table_names_every_preset() {
        let mut listed: Vec<String> = ALL.iter().map(|name| (*name).to_owned()).collect();
        listed.sort();
        assert_eq!(
            listed,
            implemented(),
            "tests/support/presets.rs must list every `impl Provider for` of src/providers"
        );
        // 37 in 0.2.0; the comparison above is what keeps the table whole.
        assert_eq!(ALL.len(), 37);
    }

    /// What verifying a preset's delivery may allocate, and why: nothing,
    /// unless the scheme reads something the headers cannot lend.
    fn stated(name: &str, algorithm: Algorithm, signs_url: bool, body: &[u8]) -> usize {
        let body_time = matches!(name, "commet" | "leadlex" | "linear");
        match algorithm {
            // The signed message (`{timestamp}{body}`) made contiguous
            // once for ed25519-dalek's `verify_strict`, which takes one
            // slice (src/keys.rs).
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => 1,
            // p256's verifier hashes the parts in turn: nothing.
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256Sha256 => 0,
            // Twilio signs the URL and the form fields sorted: the fields
            // are listed once (a list made at the body's count of fields),
            // a name or value becomes a `String` of its own only when it
            // holds a `+` or `%` to decode (one each, its decoded bytes
            // kept as they are when UTF-8, as these samples are; the
            // others are borrowed from the body), and the sorted fields are
            // joined into one buffer; with the signed URL and the same with
            // its default port toggled (`target::signed_urls`), 4 that do
            // not depend on the body. Linear in the encoded names and
            // values, so bounded by the body's size: the one preset whose
            // verification is. (Before: 4 per field, each name and value
            // decoded into a buffer then copied into a `String`, a list
            // grown by doubling, and 7 that did not depend on the body.)
            _ if signs_url && name == "twilio" => {
                let encoded = body
                    .split(|&b| b == b'&')
                    .flat_map(|pair| pair.splitn(2, |&b| b == b'='))
                    .filter(|text| text.iter().any(|&b| b == b'+' || b == b'%'))
                    .count();
                encoded + 4
            }
            // The signed URL: the public origin followed by the request's
            // path and query, one `String` made at its length, and the
            // form the scheme signs (HubSpot's decoded one) only where it
            // differs, which it does not for these samples' URLs. (Before:
            // 3, a `format!` grown once and the signed form copied.)
            _ if signs_url => 1,
            // At most serde_json's scratch buffer, for the body-time scan
            // once a skipped value nests two levels deep (`body_time`
            // above measures it: one at most, whatever the body's size).
            _ if body_time => 1,
            // Everything else verifies on the stack.
            _ => 0,
        }
    }

    #[test]
    fn every_preset_verifies_within_its_stated_allocations() {
        let measured = every_preset!(measure);
        assert_eq!(measured.len(), cfg_count(), "a preset was not measured");
        let mut hmac = 0;
        for (name, algorithm, signs_url, count, body) in measured {
            let bound = stated(name, algorithm, signs_url, &body);
            if bound == 0 {
                assert_eq!(count, 0, "{name} ({algorithm:?}) allocated");
            } else if matches!(name, "commet" | "leadlex" | "linear") {
                assert!(count <= bound, "{name}: {count} > {bound}");
            } else {
                assert_eq!(count, bound, "{name} ({algorithm:?})");
            }
            let is_hmac = matches!(algorithm, Algorithm::HmacSha256 | Algorithm::HmacSha512);
            #[cfg(feature = "sha1")]
            let is_hmac = is_hmac || algorithm == Algorithm::HmacSha1;
            hmac += usize::from(is_hmac);
        }
        // With every feature, 34 of the 37 presets sign with an HMAC: all
        // but GitLab's token, Discord's Ed25519 and SendGrid's ECDSA.
        #[cfg(all(
            feature = "sha1",
            feature = "ed25519",
            feature = "p256",
            feature = "standard-webhooks"
        ))]
        assert_eq!(hmac, 34);
        let _ = hmac;
    }

    /// How many rows of the table this build's features enable.
    fn cfg_count() -> usize {
        macro_rules! rows {
            ($($(#[$meta:meta])* $name:literal => $preset:ident, $sample:literal, $verify_key:expr, $sign_key:expr, [$($header:tt)*];)+) => {{
                let mut n = 0;
                $( $(#[$meta])* { n += 1; } )+
                n
            }};
        }
        every_preset!(rows)
    }

    /// Twilio's cost grows with its encoded fields as stated: its
    /// published five-field example (3 encoded values) and a 19-field SMS
    /// (5).
    #[cfg(all(feature = "sha1", feature = "base64"))]
    #[test]
    fn twilios_form_fields_cost_by_the_field() {
        use signed_webhooks::Twilio;
        let mut costs = Vec::new();
        for spec in ["vectors/twilio.json#0", "vectors/twilio.json#1"] {
            let body = sample(spec);
            let count = allocations_of::<Twilio>("twilio", spec, HMAC_SECRET, HMAC_SECRET, &[]);
            let fields = body.split(|&b| b == b'&').count();
            let stated = stated("twilio", Algorithm::HmacSha1, true, &body);
            assert_eq!(count, stated, "{spec}: {fields} fields");
            costs.push((fields, count));
        }
        assert!(costs[0].1 < costs[1].1, "{costs:?}");
    }
}
