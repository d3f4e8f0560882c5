//! Property tests: for every scheme, signing and verifying agree for any
//! secret, body and time; any single change to the body or to a signed
//! header is refused; no truncated signature ever verifies; and the parsers
//! never panic nor let garbage through.

use proptest::prelude::*;
use signed_webhooks::__private::SignatureHeader;
use signed_webhooks::{
    Commet, Error, Exchange, GitHub, LeadLex, Provider, Secret, Signer, Stripe, Unleeshed,
    Verified, Verifier,
};

/// Secrets as a user may paste them for the schemes that key with the
/// secret as issued: any text the crate accepts (no surrounding whitespace
/// or quotes), ASCII or not, short or long.
fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_\\-]{32,80}",
        "whsec_[A-Za-z0-9]{32}",
        "\\PC{1,70}",
    ]
    .prop_filter("a secret the crate accepts", |s| {
        Secret::from(s.as_str()).validate().is_ok()
    })
}

/// Standard Webhooks secrets: `whsec_` and the padded base64 of 1 to 64
/// random bytes.
#[cfg(feature = "standard-webhooks")]
fn base64_secret() -> impl Strategy<Value = String> {
    use base64ct::Encoding as _;
    prop::collection::vec(any::<u8>(), 1..=64)
        .prop_map(|key| format!("whsec_{}", base64ct::Base64::encode_string(&key)))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

fn timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![0..=i64::MAX, 1_500_000_000..=2_500_000_000i64]
}

/// A delivery's body and signed time. For the schemes that read the time
/// from the body (Commet, LeadLex) the body is a JSON envelope carrying it,
/// around arbitrary text; for the others it is arbitrary bytes.
fn delivery(body_time: bool) -> BoxedStrategy<(Vec<u8>, i64)> {
    if body_time {
        (timestamp(), "\\PC{0,400}", any::<bool>())
            .prop_map(|(t, text, id_first)| {
                let envelope = if id_first {
                    serde_json::json!({ "id": "whev_1", "timestamp": t, "data": { "text": text } })
                } else {
                    serde_json::json!({ "data": [text], "timestamp": t, "id": 7 })
                };
                (serde_json::to_vec(&envelope).unwrap(), t)
            })
            .boxed()
    } else {
        (body(), timestamp()).boxed()
    }
}

/// A delivery id, for the schemes that sign one.
fn id() -> impl Strategy<Value = String> {
    "[!-~]{1,64}"
}

type Headers = Vec<(String, Vec<u8>)>;

fn sign<P: Provider>(secret: &str, body: &[u8], t: i64, id: &str) -> Headers {
    Signer::<P>::new(secret)
        .unwrap()
        .sign_with_id(body, t, id)
        .iter()
        .map(|(name, value)| (name.to_owned(), value.as_bytes().to_vec()))
        .collect()
}

fn verify<P: Provider>(
    secret: &str,
    headers: &Headers,
    body: &[u8],
    now: i64,
) -> Result<Verified, Error> {
    Verifier::<P>::new(secret)
        .unwrap()
        .verify_at(headers, body, now)
}

/// The position, in `headers`, of the signature header.
fn signature_header<P: Provider>(headers: &Headers) -> usize {
    let scheme = P::scheme();
    let name = scheme.header_names().next().unwrap();
    headers.iter().position(|(n, _)| n == name).unwrap()
}

/// The properties every scheme has, instantiated for one provider.
macro_rules! scheme_properties {
    ($module:ident, $provider:ty, secret: $secret:expr, body_time: $body_time:expr, hex: $hex:expr) => {
        mod $module {
            use super::*;

            /// The proptest below samples; this tries them all, on one
            /// delivery: every byte of every header, changed to each of the
            /// 255 other values (base64's unused low bits included).
            #[test]
            fn every_single_byte_change_of_a_header_is_refused() {
                let (secret, body, t) = ("whsec_MwYydWTIAY4akAkEnQ6YwPCkkNQMXIU1GhspSzVpbHQ=", br#"{"id":"whev_1","timestamp":1790000000}"#, 1_790_000_000);
                let headers = sign::<$provider>(secret, body, t, "msg_1");
                verify::<$provider>(secret, &headers, body, t).unwrap();
                let mut tried = 0;
                for which in 0..headers.len() {
                    for at in 0..headers[which].1.len() {
                        let old = headers[which].1[at];
                        for byte in (0..=255u8).filter(|b| *b != old) {
                            if $hex && old.is_ascii_alphabetic() && byte.eq_ignore_ascii_case(&old) {
                                continue;
                            }
                            let mut forged = headers.clone();
                            forged[which].1[at] = byte;
                            assert!(
                                verify::<$provider>(secret, &forged, body, t).is_err(),
                                "{forged:?} verified"
                            );
                            tried += 1;
                        }
                    }
                }
                assert!(tried >= 60 * 240, "{tried}");
            }

            proptest! {
                #![proptest_config(ProptestConfig::with_cases(128))]

                #[test]
                fn signed_deliveries_verify(
                    secret in $secret, (body, t) in delivery($body_time), id in id(),
                    skew in -300i64..=300,
                ) {
                    let headers = sign::<$provider>(&secret, &body, t, &id);
                    let now = t.saturating_add(skew);
                    let verified = verify::<$provider>(&secret, &headers, &body, now)
                        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
                    prop_assert_eq!(verified.secret_index(), 0);
                    let signs_time = <$provider as Provider>::scheme().signs_time();
                    prop_assert_eq!(verified.timestamp(), signs_time.then_some(t));
                    let verifier = Verifier::<$provider>::new(secret.as_str()).unwrap();
                    let key = verifier.verify_with_key_at(&headers, &body, now);
                    prop_assert!(key.is_ok() || !$body_time, "{:?}", key);
                }

                #[test]
                fn any_changed_body_byte_is_refused(
                    secret in $secret, (body, t) in delivery($body_time), id in id(),
                    index in any::<prop::sample::Index>(), flip in 1u8..=255,
                ) {
                    prop_assume!(!body.is_empty());
                    let headers = sign::<$provider>(&secret, &body, t, &id);
                    let mut tampered = body.clone();
                    tampered[index.index(body.len())] ^= flip;
                    let err = verify::<$provider>(&secret, &headers, &tampered, t).unwrap_err();
                    prop_assert_eq!(err.code(), "signature_mismatch");
                }

                #[test]
                fn appended_or_truncated_bodies_are_refused(
                    secret in $secret, (body, t) in delivery($body_time), id in id(),
                    extra in any::<u8>(),
                ) {
                    let headers = sign::<$provider>(&secret, &body, t, &id);
                    let mut longer = body.clone();
                    longer.push(extra);
                    prop_assert!(verify::<$provider>(&secret, &headers, &longer, t).is_err());
                    if !body.is_empty() {
                        let shorter = &body[..body.len() - 1];
                        prop_assert!(verify::<$provider>(&secret, &headers, shorter, t).is_err());
                    }
                }

                /// Any byte of any header the scheme signs or reads, changed to
                /// any other byte, is refused; except the case of a hex digit,
                /// which is the same signature.
                #[test]
                fn any_changed_header_byte_is_refused(
                    secret in $secret, (body, t) in delivery($body_time), id in id(),
                    which in any::<prop::sample::Index>(), index in any::<prop::sample::Index>(),
                    byte in any::<u8>(),
                ) {
                    let headers = sign::<$provider>(&secret, &body, t, &id);
                    let mut forged = headers.clone();
                    let value = &mut forged[which.index(headers.len())].1;
                    let at = index.index(value.len());
                    let old = value[at];
                    prop_assume!(byte != old);
                    prop_assume!(!($hex && old.is_ascii_alphabetic() && byte.eq_ignore_ascii_case(&old)));
                    value[at] = byte;
                    let result = verify::<$provider>(&secret, &forged, &body, t);
                    prop_assert!(result.is_err(), "{:?} verified", forged);
                }

                /// `v1,`, `sha256=`, `v1=`, `t=…,v1=<half>`: no strict prefix of
                /// a signature header verifies.
                #[test]
                fn truncated_signatures_never_verify(
                    secret in $secret, (body, t) in delivery($body_time), id in id(),
                    cut in any::<prop::sample::Index>(),
                ) {
                    let headers = sign::<$provider>(&secret, &body, t, &id);
                    let at = signature_header::<$provider>(&headers);
                    let mut forged = headers.clone();
                    let len = cut.index(headers[at].1.len());
                    forged[at].1.truncate(len);
                    let result = verify::<$provider>(&secret, &forged, &body, t);
                    prop_assert!(result.is_err(), "{:?} verified", forged);
                }

                #[test]
                fn another_secret_is_refused(
                    secret in $secret, other in $secret, (body, t) in delivery($body_time),
                    id in id(),
                ) {
                    prop_assume!(secret != other);
                    let headers = sign::<$provider>(&secret, &body, t, &id);
                    let err = verify::<$provider>(&other, &headers, &body, t).unwrap_err();
                    prop_assert_eq!(err.code(), "signature_mismatch");
                }

                /// Whatever the headers hold, nothing verifies without the
                /// signature, and nothing panics.
                #[test]
                fn garbage_headers_never_verify(
                    secret in $secret, body in body(), now in any::<i64>(),
                    values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..120), 3),
                    printable in prop::collection::vec("[ -~]{0,120}", 3),
                    use_printable in any::<bool>(),
                ) {
                    let scheme = <$provider as Provider>::scheme();
                    let names: Vec<&str> = scheme.header_names().collect();
                    let headers: Headers = names
                        .iter()
                        .zip(0..3)
                        .map(|(name, i)| {
                            let value = if use_printable {
                                printable[i].as_bytes().to_vec()
                            } else {
                                values[i].clone()
                            };
                            ((*name).to_owned(), value)
                        })
                        .collect();
                    prop_assert!(verify::<$provider>(&secret, &headers, &body, now).is_err());
                }
            }
        }
    };
}

scheme_properties!(unleeshed, Unleeshed, secret: secret(), body_time: false, hex: true);
scheme_properties!(exchange, Exchange, secret: secret(), body_time: false, hex: true);
scheme_properties!(stripe, Stripe, secret: secret(), body_time: false, hex: true);
scheme_properties!(github, GitHub, secret: secret(), body_time: false, hex: true);
scheme_properties!(commet, Commet, secret: secret(), body_time: true, hex: true);
scheme_properties!(leadlex, LeadLex, secret: secret(), body_time: true, hex: true);
#[cfg(feature = "standard-webhooks")]
scheme_properties!(
    standard_webhooks,
    signed_webhooks::StandardWebhooks,
    secret: base64_secret(),
    body_time: false,
    hex: false
);
#[cfg(feature = "standard-webhooks")]
scheme_properties!(svix, signed_webhooks::Svix, secret: base64_secret(), body_time: false, hex: false);

/// The `t=…,v1=…` family in more detail: its timestamp, and its parser.
mod pairs {
    use super::*;

    const HEADER: &str = "x-unleeshed-signature";

    fn signed(secret: &str, body: &[u8], t: i64) -> String {
        Signer::<Unleeshed>::new(secret)
            .unwrap()
            .sign_at(body, t)
            .get(HEADER)
            .unwrap()
            .to_owned()
    }

    fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<Verified, Error> {
        Verifier::<Unleeshed>::new(secret)
            .unwrap()
            .verify_at(&[(HEADER, header)], body, now)
    }

    /// Header items around which the format allows whitespace, and other
    /// schemes' items: all of them go through the general parser.
    fn spelling() -> impl Strategy<Value = (String, String, bool)> {
        (
            prop_oneof![Just(""), Just(" "), Just("\t"), Just(" \t ")],
            prop_oneof![
                Just(""),
                Just(",v0=legacy"),
                Just(",v2=x"),
                Just(",scheme=y")
            ],
            any::<bool>(),
        )
            .prop_map(|(space, extra, reorder)| (space.to_owned(), extra.to_owned(), reorder))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_changed_timestamp_is_refused(
            secret in secret(), body in body(), t in 1_000..2_000_000_000i64, delta in -300i64..=300,
        ) {
            prop_assume!(delta != 0);
            let header = signed(&secret, &body, t);
            let moved = header.replacen(&format!("t={t}"), &format!("t={}", t + delta), 1);
            let err = verify(&secret, &moved, &body, t).unwrap_err();
            prop_assert_eq!(err.code(), "signature_mismatch");
        }

        #[test]
        fn any_changed_signature_digit_is_refused(
            secret in secret(), body in body(), t in timestamp(),
            position in 0usize..64, replacement in "[0-9a-f]",
        ) {
            let header = signed(&secret, &body, t);
            let (prefix, sig) = header.split_once(",v1=").unwrap();
            let mut digits: Vec<char> = sig.chars().collect();
            let new = replacement.chars().next().unwrap();
            prop_assume!(digits[position] != new);
            digits[position] = new;
            let forged = format!("{prefix},v1={}", digits.into_iter().collect::<String>());
            let err = verify(&secret, &forged, &body, t).unwrap_err();
            prop_assert_eq!(err.code(), "signature_mismatch");
        }

        /// The parser's fast path (the exact shape providers send) and its
        /// general path (whitespace, other items, any order) read the same
        /// header the same way: whichever path a spelling takes, the
        /// timestamp, its signed digits and the signatures are the same.
        #[test]
        fn every_spelling_of_a_header_parses_the_same(
            t in timestamp(), sigs in prop::collection::vec("[0-9a-fA-F]{64}", 1..=8),
            (space, extra, reorder) in spelling(),
        ) {
            let canonical = format!("t={t}{}", sigs.iter().map(|s| format!(",v1={s}")).collect::<String>());
            let items: Vec<String> = std::iter::once(format!("t={t}"))
                .chain(sigs.iter().map(|s| format!("v1={s}")))
                .collect();
            let mut spelled = items.clone();
            if reorder {
                spelled.rotate_left(1);
            }
            let spelled = format!("{space}{}{extra}{space}", spelled.join(&format!("{space},{space}")));
            let fast = SignatureHeader::parse(&canonical).unwrap();
            let general = SignatureHeader::parse(&spelled).unwrap();
            prop_assert_eq!(fast.timestamp(), t);
            prop_assert_eq!(general.timestamp(), t);
            prop_assert_eq!(fast.timestamp_digits(), general.timestamp_digits());
            prop_assert_eq!(fast.signature_count(), sigs.len());
            prop_assert_eq!(general.signature_count(), sigs.len());
            prop_assert!(fast.signatures().eq(general.signatures()));
            let decoded: Vec<Vec<u8>> = sigs.iter().map(|s| hex::decode(s).unwrap()).collect();
            prop_assert!(fast.signatures().map(|s| s.to_vec()).eq(decoded));
        }

        #[test]
        fn the_parser_never_panics_on_any_string(header in ".{0,1200}") {
            let _ = SignatureHeader::parse(&header);
        }

        #[test]
        fn the_parser_never_panics_on_header_like_strings(
            header in "([tv0-9]{0,3}={0,2}[0-9a-fA-F\\-+ ]{0,70},?){0,12}",
        ) {
            if let Ok(parsed) = SignatureHeader::parse(&header) {
                prop_assert!(parsed.signature_count() >= 1);
                prop_assert!(parsed.timestamp() >= 0);
                prop_assert!(parsed.signatures().count() <= parsed.signature_count());
            }
        }

        #[test]
        fn verification_never_panics_and_never_passes_garbage(
            header in ".{0,300}", body in body(), now in any::<i64>(),
        ) {
            prop_assert!(verify("whsec_property_test_secret_0123456789", &header, &body, now).is_err());
        }
    }
}
