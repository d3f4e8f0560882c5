//! Each signature family's `verify` against its limit, every family in one
//! run, side by side (the `paired` harness: every contender runs in short
//! alternating batches, so the machine's load hits all of them alike).
//!
//! The limit of an HMAC family is the RustCrypto `Hmac` of the preset's
//! hash (SHA-256 or SHA-1), keyed once and cloned per message, over the
//! exact content the provider signs (assembled in one buffer beforehand:
//! URL, timestamp, form fields, body), then `Mac::verify_slice` (a
//! constant-time compare) against the tag, decoded beforehand. A token's
//! limit is a constant-time compare of the token alone; a public-key
//! family's, the curve library's verification alone (`ed25519-dalek`'s
//! `verify_strict`, `p256`'s ECDSA verify), key and signature parsed
//! beforehand. No preset signs with HMAC-SHA512, so none is measured.
//!
//! The preset is `Verifier::<P>::verify_at` (`verify_target_at` for the
//! providers that sign the URL) of the same delivery, with the clock
//! pinned, from an `http::HeaderMap` holding the signed headers among the
//! usual ones, as a server hands it over: header lookups, parsing,
//! decoding, the time check, the HMAC fed in parts, the compare.
//!
//! ```sh
//! cargo bench --bench families --features sha1,ed25519,p256   # ROUNDS=400 BATCH_US=200 SIZES=256,1024
//! ```

mod common;

use common::paired::{Contender, Outcome, Settings, compare};
use common::{
    MESSAGE_ID, NOW, SECRET, STANDARD_KEY_HEX, STANDARD_SECRET, label, request_headers,
    standard_body, twilio_form, unleeshed_body,
};
use hmac::{Hmac, KeyInit, Mac};
use signed_webhooks::{
    GitHub, GitLab, Intercom, Paddle, Provider, Razorpay, RequestTarget, Shopify, SignedHeaders,
    Signer, Slack, Square, StandardWebhooks, Stripe, Twilio, Verifier,
};
use subtle::ConstantTimeEq;

/// The origin the URL-signing providers call, and their paths.
const ORIGIN: &str = "https://hooks.example.com";
const SQUARE_PATH: &str = "/webhooks/square";
const TWILIO_PATH: &str = "/webhooks/twilio/sms";

/// One family: its limit and the preset measured against it.
struct Case {
    family: &'static str,
    preset: &'static str,
    limit_name: &'static str,
    limit: Contender<'static>,
    verify: Contender<'static>,
}

/// The limit of an HMAC family: `M` keyed once, cloned per message, over
/// `message`, then a constant-time compare with the tag. Checks that the
/// tag is the one the signer sent (hex or base64 in one of its headers),
/// so the limit computes exactly what the preset must.
fn hmac_limit<M>(key: &[u8], message: Vec<u8>, signed: &SignedHeaders) -> Contender<'static>
where
    M: Mac + KeyInit + Clone + 'static,
{
    let prekeyed = <M as KeyInit>::new_from_slice(key).unwrap();
    let tag = {
        let mut mac = prekeyed.clone();
        mac.update(&message);
        mac.finalize().into_bytes().to_vec()
    };
    let shown = signed.iter().map(|(_, v)| v).collect::<Vec<_>>().join(" ");
    assert!(
        shown.contains(&hex::encode(&tag)) || shown.contains(&base64(&tag)),
        "the limit hashes another message than the one signed: {shown}"
    );
    Contender::new("limit", move || {
        let mut mac = prekeyed.clone();
        mac.update(&message);
        mac.verify_slice(&tag).is_ok()
    })
}

/// A delivery of `P` signed at `NOW`, as a server hands over its headers.
fn delivery<P: Provider>(signer: &Signer<P>, body: &[u8]) -> (SignedHeaders, http::HeaderMap) {
    let signed = if P::NAME == StandardWebhooks::NAME {
        signer.sign_with_id(body, NOW, MESSAGE_ID)
    } else {
        signer.sign_at(body, NOW)
    };
    let headers = request_headers(signed.iter(), body.len());
    (signed, headers)
}

/// `verify_at` of a delivery signed by the same secret, checked to pass.
fn preset<P: Provider>(
    secret: &str,
    body: Vec<u8>,
    headers: http::HeaderMap,
) -> Contender<'static> {
    let verifier = Verifier::<P>::new(secret).unwrap();
    if let Err(error) = verifier.verify_at(&headers, &body, NOW) {
        panic!("{}: {error}", P::NAME);
    }
    Contender::new("verify_at", move || {
        verifier.verify_at(&headers, &body, NOW).is_ok()
    })
}

/// An HMAC family whose provider signs no URL: the preset's delivery of
/// `body`, and the limit over `message(body)` under `key`.
fn hmac_case<P: Provider, M>(
    family: &'static str,
    secret: &'static str,
    key: &[u8],
    body: Vec<u8>,
    message: impl Fn(&[u8]) -> Vec<u8>,
) -> Case
where
    M: Mac + KeyInit + Clone + 'static,
{
    let signer = Signer::<P>::new(secret).unwrap();
    let (signed, headers) = delivery(&signer, &body);
    let limit = hmac_limit::<M>(key, message(&body), &signed);
    Case {
        family,
        preset: P::NAME,
        limit_name: limit_name::<M>(),
        limit,
        verify: preset::<P>(secret, body, headers),
    }
}

/// An HMAC family whose provider signs the URL it calls (Square, Twilio):
/// `verify_target_at` with the request's path, at the public origin.
fn url_case<P: Provider, M>(
    family: &'static str,
    path: &'static str,
    body: Vec<u8>,
    message: Vec<u8>,
) -> Case
where
    M: Mac + KeyInit + Clone + 'static,
{
    let url = format!("{ORIGIN}{path}");
    let signer = Signer::<P>::for_url(&url, SECRET).unwrap();
    let (signed, headers) = delivery(&signer, &body);
    let limit = hmac_limit::<M>(SECRET.as_bytes(), message, &signed);
    let verifier = Verifier::<P>::at_public_origin(ORIGIN, [SECRET]).unwrap();
    let target = RequestTarget::new("POST", path);
    if let Err(error) = verifier.verify_target_at(&target, &headers, &body, NOW) {
        panic!("{}: {error}", P::NAME);
    }
    Case {
        family,
        preset: P::NAME,
        limit_name: limit_name::<M>(),
        limit,
        verify: Contender::new("verify_target_at", move || {
            let target = RequestTarget::new("POST", path);
            verifier
                .verify_target_at(&target, &headers, &body, NOW)
                .is_ok()
        }),
    }
}

fn limit_name<M: 'static>() -> &'static str {
    if std::any::TypeId::of::<M>() == std::any::TypeId::of::<Hmac<sha2::Sha256>>() {
        "HMAC-SHA256 pre-keyed + ct compare"
    } else {
        "HMAC-SHA1 pre-keyed + ct compare"
    }
}

/// A Twilio SMS webhook of exactly `size` bytes, and what Twilio signs
/// of it: the URL, then the fields decoded, sorted by name, each name
/// followed by its value.
fn twilio_delivery(size: usize) -> (Vec<u8>, Vec<u8>) {
    let (body, mut fields) = twilio_form(size);
    fields.sort();
    let mut signed = format!("{ORIGIN}{TWILIO_PATH}").into_bytes();
    for (name, value) in fields {
        signed.extend_from_slice(name.as_bytes());
        signed.extend_from_slice(value.as_bytes());
    }
    (body, signed)
}

/// Every family at `size`.
fn cases(size: usize) -> Vec<Case> {
    type Sha256Mac = Hmac<sha2::Sha256>;
    type Sha1Mac = Hmac<sha1::Sha1>;
    let json = unleeshed_body(size);
    let text = SECRET.as_bytes();
    let joined = |parts: &[&[u8]]| parts.concat();
    let t = NOW.to_string();
    let t = t.as_bytes();
    let mut cases = vec![
        hmac_case::<Stripe, Sha256Mac>("`t=…,v1=<hex>`", SECRET, text, json.clone(), |b| {
            joined(&[t, b".", b])
        }),
        hmac_case::<Paddle, Sha256Mac>("`ts=…;h1=<hex>`", SECRET, text, json.clone(), |b| {
            joined(&[t, b":", b])
        }),
        hmac_case::<Slack, Sha256Mac>("`v0=<hex>`, time header", SECRET, text, json.clone(), |b| {
            joined(&[b"v0:", t, b":", b])
        }),
        hmac_case::<GitHub, Sha256Mac>(
            "`sha256=<hex>`",
            SECRET,
            text,
            json.clone(),
            <[u8]>::to_vec,
        ),
        hmac_case::<Razorpay, Sha256Mac>("bare hex", SECRET, text, json.clone(), <[u8]>::to_vec),
        hmac_case::<Shopify, Sha256Mac>("bare base64", SECRET, text, json.clone(), <[u8]>::to_vec),
        hmac_case::<StandardWebhooks, Sha256Mac>(
            "`v1,<base64>`, id and time headers",
            STANDARD_SECRET,
            &hex::decode(STANDARD_KEY_HEX).unwrap(),
            standard_body(size, NOW - 60),
            |b| joined(&[MESSAGE_ID.as_bytes(), b".", t, b".", b]),
        ),
        hmac_case::<Intercom, Sha1Mac>(
            "`sha1=<hex>` (SHA-1)",
            SECRET,
            text,
            json.clone(),
            <[u8]>::to_vec,
        ),
        url_case::<Square, Sha256Mac>(
            "URL + body, base64",
            SQUARE_PATH,
            json.clone(),
            joined(&[format!("{ORIGIN}{SQUARE_PATH}").as_bytes(), &json]),
        ),
        {
            let (body, signed) = twilio_delivery(size);
            url_case::<Twilio, Sha1Mac>(
                "URL + form fields, base64 (SHA-1)",
                TWILIO_PATH,
                body,
                signed,
            )
        },
    ];

    // GitLab: a token, compared in constant time with the configured one.
    {
        let signer = Signer::<GitLab>::new(SECRET).unwrap();
        let (signed, headers) = delivery(&signer, &json);
        let token = signed.get("x-gitlab-token").unwrap().as_bytes().to_vec();
        let configured = SECRET.as_bytes().to_vec();
        assert!(bool::from(token.ct_eq(&configured)));
        cases.push(Case {
            family: "token",
            preset: GitLab::NAME,
            limit_name: "constant-time compare alone",
            limit: Contender::new("limit", move || bool::from(token.ct_eq(&configured))),
            verify: preset::<GitLab>(SECRET, json.clone(), headers),
        });
    }

    #[cfg(feature = "ed25519")]
    {
        // Discord: `{timestamp}{body}`, Ed25519, hex.
        use common::{DISCORD_PUBLIC, DISCORD_SEED};
        use signed_webhooks::Discord;
        let signer = Signer::<Discord>::new(DISCORD_SEED).unwrap();
        let (signed, headers) = delivery(&signer, &json);
        let signature: [u8; 64] = hex::decode(signed.get("x-signature-ed25519").unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let signature = ed25519_dalek::Signature::from_bytes(&signature);
        let key: [u8; 32] = hex::decode(DISCORD_PUBLIC).unwrap().try_into().unwrap();
        let key = ed25519_dalek::VerifyingKey::from_bytes(&key).unwrap();
        let message = joined(&[t, &json]);
        assert!(key.verify_strict(&message, &signature).is_ok());
        cases.push(Case {
            family: "Ed25519, hex",
            preset: Discord::NAME,
            limit_name: "`ed25519-dalek` `verify_strict` alone",
            limit: Contender::new("limit", move || {
                key.verify_strict(&message, &signature).is_ok()
            }),
            verify: preset::<Discord>(DISCORD_PUBLIC, json.clone(), headers),
        });
    }
    #[cfg(feature = "p256")]
    {
        // SendGrid: `{timestamp}{body}`, ECDSA P-256/SHA-256, base64 DER;
        // its bodies are JSON arrays.
        use base64ct::Encoding as _;
        use common::{SENDGRID_PRIVATE, SENDGRID_PUBLIC};
        use p256::pkcs8::DecodePublicKey as _;
        use signed_webhooks::SendGrid;
        let body =
            format!("[{}]", String::from_utf8(unleeshed_body(size - 2)).unwrap()).into_bytes();
        let signer = Signer::<SendGrid>::new(SENDGRID_PRIVATE).unwrap();
        let (signed, headers) = delivery(&signer, &body);
        let der = base64ct::Base64::decode_vec(
            signed
                .get("x-twilio-email-event-webhook-signature")
                .unwrap(),
        )
        .unwrap();
        let signature = p256::ecdsa::Signature::from_der(&der).unwrap();
        let key = base64ct::Base64::decode_vec(SENDGRID_PUBLIC).unwrap();
        let key = p256::ecdsa::VerifyingKey::from_public_key_der(&key).unwrap();
        let message = joined(&[t, &body]);
        let verify = move || {
            use p256::ecdsa::signature::Verifier as _;
            key.verify(&message, &signature).is_ok()
        };
        assert!(verify());
        cases.push(Case {
            family: "ECDSA P-256, base64 DER",
            preset: SendGrid::NAME,
            limit_name: "`p256` ECDSA verify alone",
            limit: Contender::new("limit", verify),
            verify: preset::<SendGrid>(SENDGRID_PUBLIC, body, headers),
        });
    }
    cases
}

/// The median and quartiles of `values`.
fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |p: f64| values[((values.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

fn format_ns(ns: f64) -> String {
    if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Settings {
        rounds,
        batch,
        sizes,
    } = Settings::from_env(400, 200, &[256, 1024]);

    // (family, preset, limit) → per size: limit median, preset median,
    // ratio median and IQR.
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for (column, &size) in sizes.iter().enumerate() {
        let cases = cases(size);
        let mut contenders = Vec::with_capacity(2 * cases.len());
        let mut names = Vec::with_capacity(cases.len());
        for case in cases {
            names.push((case.family, case.preset, case.limit_name));
            contenders.push(case.limit);
            contenders.push(case.verify);
        }
        // All the families in the same rounds; each preset's ratio to its
        // own limit is taken within each round.
        let outcomes: Vec<Outcome> = compare(&mut contenders, rounds, batch);
        println!("\n#### {} body\n", label(size));
        println!(
            "| family | preset | limit | limit median | preset median | preset / limit (IQR) |"
        );
        println!("| --- | --- | --- | ---: | ---: | ---: |");
        for (i, (family, preset, limit_name)) in names.iter().enumerate() {
            let (limit, verify) = (&outcomes[2 * i], &outcomes[2 * i + 1]);
            let ratios = verify
                .times
                .iter()
                .zip(&limit.times)
                .map(|(v, l)| v / l)
                .collect();
            let (ratio, q1, q3) = quartiles(ratios);
            let cells = format!(
                "{} | {} | **{ratio:.2}×** ({q1:.2}–{q3:.2})",
                format_ns(limit.median_ns),
                format_ns(verify.median_ns)
            );
            println!("| {family} | {preset} | {limit_name} | {cells} |");
            let key = format!("{family} | {preset} | {limit_name}");
            if column == 0 {
                rows.push((key, vec![cells]));
            } else if let Some(row) = rows.iter_mut().find(|(k, _)| *k == key) {
                row.1.push(cells);
            }
        }
    }

    println!("\n#### Side by side\n");
    print!("| family | preset | limit |");
    for size in &sizes {
        let l = label(*size);
        print!(" limit {l} | preset {l} | ratio {l} (IQR) |");
    }
    println!();
    println!(
        "| --- | --- | --- |{}",
        " ---: | ---: | ---: |".repeat(sizes.len())
    );
    for (key, cells) in rows {
        println!("| {key} | {} |", cells.join(" | "));
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding as _;
    base64ct::Base64::encode_string(bytes)
}
