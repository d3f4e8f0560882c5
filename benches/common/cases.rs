//! The cases the `paired` and `verify` benches measure, per provider:
//! each provider's deliveries at a size, the limit they are compared with
//! (the `hmac` crate's pre-keyed HMAC of the same message), and the paths a
//! delivery can take through the verifier. Included by path.

use hmac::{Hmac, KeyInit, Mac};
use serde::de::IgnoredAny;
use sha2::Sha256;
use signed_webhooks::__private::SignatureHeader;
use signed_webhooks::{
    Commet, GitHub, LeadLex, Provider, SignedHeaders, Signer, StandardWebhooks, Unleeshed,
    Verifier, WebhookEvent,
};

use crate::common::paired::Contender;
use crate::common::{
    MESSAGE_ID, OTHER_SECRETS, SECRET, STANDARD_KEY_HEX, STANDARD_SECRET, commet_body, github_body,
    leadlex_body, request_headers, standard_body, unleeshed_body,
};
use crate::mirrors;

/// How a provider's deliveries are made for the bench.
pub struct Family {
    /// The body of `size` bytes, emitted at the given time where the
    /// provider puts one in the body.
    body: fn(usize, i64) -> Vec<u8>,
    /// The HMAC key the secret stands for.
    key: Vec<u8>,
    /// The exact message signed, from the timestamp and the body.
    message: fn(i64, &[u8]) -> Vec<u8>,
    /// Whether the provider signs a time (in a header or in the body).
    signs_time: bool,
    /// Whether the time is in the body (read by skimming it).
    body_time: bool,
}

fn sign<P: Provider>(signer: &Signer<P>, body: &[u8], t: i64) -> SignedHeaders {
    if P::NAME == StandardWebhooks::NAME {
        signer.sign_with_id(body, t, MESSAGE_ID)
    } else {
        signer.sign_at(body, t)
    }
}

fn headers_of(signed: &SignedHeaders, body: &[u8]) -> http::HeaderMap {
    request_headers(signed.iter(), body.len())
}

/// The contenders for provider `P` at `size`, signed at `t`. The first is
/// the limit the others are compared with.
fn contenders<P: Provider>(
    secret: &str,
    family: &Family,
    size: usize,
    t: i64,
) -> Vec<Contender<'static>> {
    let signer = Signer::<P>::new(secret).unwrap();
    let verifier = Verifier::<P>::new(secret).unwrap();
    let emitted = t - 60;
    let body = (family.body)(size, emitted);
    let headers = headers_of(&sign(&signer, &body, t), &body);
    // A well-formed signature of another body: the whole work, no match.
    let forged = {
        let mut other = body.clone();
        let last = other.len() - 2;
        other[last] ^= 1;
        headers_of(&sign(&signer, &other, t), &body)
    };
    let message = (family.message)(t, &body);
    let prekeyed = <Hmac<Sha256> as KeyInit>::new_from_slice(&family.key).unwrap();

    // Every contender does what its name says.
    assert!(verifier.verify_at(&headers, &body, t).is_ok());
    assert!(verifier.verify(&headers, &body).is_ok());
    assert_eq!(
        verifier.verify_at(&forged, &body, t).unwrap_err().code(),
        "signature_mismatch"
    );
    if let Err(error) = verifier.verify_event(&headers, &body) {
        panic!("{}: {error}: {}", P::NAME, String::from_utf8_lossy(&body));
    }
    {
        let mut mac = prekeyed.clone();
        mac.update(&message);
        let tag = mac.finalize().into_bytes();
        let signed = sign(&signer, &body, t);
        let shown = signed.iter().map(|(_, v)| v).collect::<Vec<_>>().join(" ");
        assert!(
            shown.contains(&hex::encode(tag)) || shown.contains(&base64(&tag)),
            "{}: the limit hashes another message than the one signed",
            P::NAME
        );
    }

    let mut out = vec![Contender::new("hmac_prekeyed", {
        let message = message.clone();
        move || {
            let mut mac = prekeyed.clone();
            mac.update(&message);
            mac.finalize().into_bytes()
        }
    })];
    out.push(Contender::new("verify_at", {
        let (verifier, headers, body) = (verifier.clone(), headers.clone(), body.clone());
        move || verifier.verify_at(&headers, &body, t)
    }));
    out.push(Contender::new("verify", {
        let (verifier, headers, body) = (verifier.clone(), headers.clone(), body.clone());
        move || verifier.verify(&headers, &body)
    }));
    out.push(Contender::new("refuse_wrong_signature", {
        let (verifier, body) = (verifier.clone(), body.clone());
        move || verifier.verify_at(&forged, &body, t)
    }));
    if family.signs_time {
        // Signed an hour ago (a header time), or emitted four days ago (a
        // body time, which is read only once the signature matched).
        let (stale_body, stale) = if family.body_time {
            let old = (family.body)(size, t - 4 * 86_400);
            let signed = headers_of(&sign(&signer, &old, t), &old);
            (old, signed)
        } else {
            let signed = headers_of(&sign(&signer, &body, t - 3600), &body);
            (body.clone(), signed)
        };
        assert_eq!(
            verifier
                .verify_at(&stale, &stale_body, t)
                .unwrap_err()
                .code(),
            "timestamp_too_old"
        );
        let verifier = verifier.clone();
        out.push(Contender::new("refuse_stale", move || {
            verifier.verify_at(&stale, &stale_body, t)
        }));
    }
    if family.body_time {
        // What reading a time from the body costs at most: serde_json
        // skimming the whole body (the verifier reads every top-level key,
        // to refuse a repeated one).
        let body = body.clone();
        out.push(Contender::new("skim_body", move || {
            serde_json::from_slice::<IgnoredAny>(&body).is_ok()
        }));
    }
    out.push(Contender::new("decode", {
        let (headers, body) = (headers.clone(), body.clone());
        move || P::Event::decode(&body, &headers).is_ok()
    }));
    out.push(Contender::new("verify_event", {
        let (verifier, headers, body) = (verifier.clone(), headers.clone(), body.clone());
        move || verifier.verify_event(&headers, &body).is_ok()
    }));
    out
}

/// The extra contenders of the `t=…,v1=…` family, appended to its table:
/// the floor under the limit, the limit fed in parts, the header parser,
/// the headers given as a list instead of a map, rotation, and the event
/// types' decoding against mirrors that borrow.
pub fn unleeshed_extras(size: usize, t: i64) -> Vec<Contender<'static>> {
    let body = unleeshed_body(size);
    let signer = Signer::<Unleeshed>::new(SECRET).unwrap();
    let verifier = Verifier::<Unleeshed>::new(SECRET).unwrap();
    let value = signer
        .sign_at(&body, t)
        .get("x-unleeshed-signature")
        .unwrap()
        .to_owned();
    let message = [format!("{t}.").as_bytes(), &body].concat();
    let digits = t.to_string().len();
    let blocks = vec![[0x5au8; 64]; (message.len() + 9).div_ceil(64)];
    let prekeyed = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    let rotating =
        Verifier::<Unleeshed>::from_secrets([OTHER_SECRETS[0], OTHER_SECRETS[1], SECRET]).unwrap();
    // The rotation worst case: three secrets, three signatures, only the
    // last signature matches, under the last secret.
    let rotation = request_headers(
        [(
            "x-unleeshed-signature",
            format!(
                "t={t},v1={},v1={},{}",
                "0".repeat(64),
                "ab".repeat(32),
                value.split_once(',').unwrap().1
            )
            .as_str(),
        )],
        body.len(),
    );
    assert_eq!(
        rotating
            .verify_at(&rotation, &body, t)
            .unwrap()
            .secret_index(),
        2
    );
    let pairs = [("x-unleeshed-signature", value.clone())];
    assert!(verifier.verify_at(&pairs, &body, t).is_ok());

    vec![
        // Only the SHA-256 compressions an HMAC of this message needs (its
        // padded blocks, then the outer block), on blocks prepared in
        // advance.
        Contender::new("sha256_compressions_only", move || {
            let mut inner = [0x6a09_e667u32; 8];
            sha2::block_api::compress256(&mut inner, &blocks);
            let mut outer = [0xbb67_ae85u32; 8];
            sha2::block_api::compress256(&mut outer, &blocks[..1]);
            (inner, outer)
        }),
        // The limit fed as the verifier feeds it: digits, `.`, body.
        Contender::new("hmac_in_parts", {
            let body = body.clone();
            move || {
                let mut mac = prekeyed.clone();
                mac.update(&message[..digits]);
                mac.update(b".");
                mac.update(&body);
                mac.finalize().into_bytes()
            }
        }),
        Contender::new("parse", {
            let value = value.clone();
            move || SignatureHeader::parse(&value).is_ok()
        }),
        Contender::new("verify_at_pairs", {
            let (verifier, body) = (verifier.clone(), body.clone());
            move || verifier.verify_at(&pairs, &body, t)
        }),
        Contender::new("verify_rotation_3x3", {
            let body = body.clone();
            move || rotating.verify_at(&rotation, &body, t)
        }),
        Contender::new("from_slice_borrowed", {
            let body = body.clone();
            move || serde_json::from_slice::<mirrors::borrowed::Event<'_>>(&body).is_ok()
        }),
        Contender::new("from_slice_plain_derive", move || {
            serde_json::from_slice::<mirrors::plain::Event>(&body).is_ok()
        }),
    ]
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every provider's family, by name, with the secret it is signed with.
pub fn families() -> Vec<(&'static str, &'static str, Family)> {
    let as_issued = SECRET.as_bytes().to_vec();
    let timestamped = Family {
        body: |size, _| unleeshed_body(size),
        key: as_issued.clone(),
        message: |t, body| [format!("{t}.").as_bytes(), body].concat(),
        signs_time: true,
        body_time: false,
    };
    let body_only = |body: fn(usize, i64) -> Vec<u8>, body_time| Family {
        body,
        key: as_issued.clone(),
        message: |_, body| body.to_vec(),
        signs_time: body_time,
        body_time,
    };
    let standard = Family {
        body: standard_body,
        key: hex::decode(STANDARD_KEY_HEX).unwrap(),
        message: |t, body| [format!("{MESSAGE_ID}.{t}.").as_bytes(), body].concat(),
        signs_time: true,
        body_time: false,
    };
    vec![
        ("unleeshed", SECRET, timestamped),
        (
            "github",
            SECRET,
            body_only(|size, _| github_body(size), false),
        ),
        ("commet", SECRET, body_only(commet_body, true)),
        ("leadlex", SECRET, body_only(leadlex_body, true)),
        ("standard-webhooks", STANDARD_SECRET, standard),
    ]
}

/// The contenders of provider `name` at `size`, signed at `t`; the first is
/// the limit. The `t=…,v1=…` family gets extra ones.
pub fn for_provider(
    name: &str,
    secret: &str,
    family: &Family,
    size: usize,
    t: i64,
) -> Vec<Contender<'static>> {
    match name {
        "unleeshed" => {
            let mut c = contenders::<Unleeshed>(secret, family, size, t);
            c.extend(unleeshed_extras(size, t));
            c
        }
        "github" => contenders::<GitHub>(secret, family, size, t),
        "commet" => contenders::<Commet>(secret, family, size, t),
        "leadlex" => contenders::<LeadLex>(secret, family, size, t),
        "standard-webhooks" => contenders::<StandardWebhooks>(secret, family, size, t),
        other => panic!("unknown provider {other}"),
    }
}
