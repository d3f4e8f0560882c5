//! Why a delivery does not verify, in words an integrator acts on.
//!
//! "My signature does not verify" almost always has one of a few causes:
//! the body was parsed and re-serialized, a newline was added or lost, the
//! secret has stray whitespace or lost its `whsec_` prefix, the sender
//! keys its HMAC another way, signs milliseconds, or a clock is off.
//! [`explain`] verifies a delivery as configured and, when it is refused,
//! tries each of those corrections and says which one makes it verify:
//!
//! ```
//! use signed_webhooks::diagnose::{self, Finding};
//! use signed_webhooks::{Signer, Stripe};
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let sent = b"{\n  \"id\": \"evt_1\",\n  \"object\": \"event\"\n}";
//! let headers = Signer::<Stripe>::new(secret)?.sign_at(sent, 1_790_000_000);
//!
//! // The receiver parsed the JSON and verified `serde_json::to_vec(&value)`.
//! let received = br#"{"id":"evt_1","object":"event"}"#;
//! let diagnosis = diagnose::explain_at::<Stripe>(secret, &headers, received, 1_790_000_010);
//! assert!(diagnosis.is_explained());
//! assert!(matches!(diagnosis.findings(), [Finding::JsonReserialized { .. }]));
//! println!("{diagnosis}");
//! // refused: no signature matched (…)
//! // - the body was re-serialized as JSON: the sender signed it pretty-printed (…);
//! //   verify the raw bytes you received, before any JSON parsing
//! // with that corrected, the delivery verifies
//! # Ok::<(), signed_webhooks::ConfigError>(())
//! ```
//!
//! # Cost, and where not to call it
//!
//! Each correction tried costs one HMAC-SHA256 of the body, as a
//! verification does; a diagnosis tries at most [`MAX_TRIES`] (the
//! delivery as configured included), plus, for a JSON body, one parse and
//! six serializations. That is a dozen verifications' work that anyone who
//! can reach the endpoint could trigger at will, so it is never run by the
//! verifier or the adapters: call it yourself, in development, or on a
//! sample of refusals behind a rate limit, and log its `Display` text (it
//! never contains the secret, and only the sender's own timestamp and
//! header names from the request).
//!
//! What it cannot find: a secret of another endpoint or environment (no
//! correction makes a wrong secret right), several mistakes at once (each
//! correction is tried alone, except a secret's whitespace or quotes,
//! which are always corrected first), and a re-serialization that lost
//! information, such as keys reordered from the order the sender wrote
//! them (`serde_json::Value` sorts them) or numbers rewritten.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{ConfigError, Error, SecretError};
use crate::headers::Headers;
use crate::providers::Provider;
use crate::scheme::{Scheme, SecretFormat};
use crate::secret::Secret;
use crate::verify::{Verified, Verifier};

mod json;
mod url;

pub use url::{MAX_URL_TRIES, UrlMistake, UrlVariant, explain_url_at, split_url, url_variants};

/// The most verifications one [`explain_at`] runs, the delivery as configured
/// included; each costs at most one HMAC-SHA256 of the body: the delivery
/// as configured, two newline and line-ending corrections of the body,
/// eight JSON re-serializations, and two secret corrections.
pub const MAX_TRIES: usize = 13;

/// The prefix providers put before their secrets (Stripe, Unleeshed,
/// Commet, LeadLex, Standard Webhooks).
const WHSEC: &str = "whsec_";

/// What [`explain`] found: how the delivery fared as configured, and the
/// corrections that explain a refusal. Its `Display` text is a few lines
/// for a log or a terminal.
#[derive(Debug)]
pub struct Diagnosis {
    outcome: Outcome,
    /// Headers not of the scheme's shape, found once a secret refused as
    /// configured was corrected.
    malformed: Option<Error>,
    findings: Vec<Finding>,
    tried: usize,
    explained: bool,
}

/// How a delivery fared with the secret exactly as configured.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// It verified.
    Verified(Verified),
    /// It was refused.
    Refused(Error),
    /// The secret was refused before any delivery could be checked (empty,
    /// stray whitespace, quotes, not the base64 the scheme needs).
    InvalidSecret(ConfigError),
}

/// A correction that makes a refused delivery verify, or a fact about it
/// that explains the refusal. Each `Display`s as one sentence saying what
/// to do.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The configured secret has leading or trailing whitespace. Always
    /// reported (a verifier refuses such a secret), and corrected before
    /// anything else is tried.
    SecretWhitespace,
    /// The configured secret is wrapped in quotes. Always reported, and
    /// corrected before anything else is tried.
    SecretQuoted,
    /// The delivery verifies with `prefix` added to the configured secret:
    /// the secret lost it.
    SecretPrefixMissing {
        /// The prefix, `whsec_`.
        prefix: &'static str,
        /// The provider, which keys the HMAC with the whole secret.
        provider: &'static str,
    },
    /// The delivery verifies with `prefix` removed from the configured
    /// secret: its sender keys the HMAC without it.
    SecretPrefixExtra {
        /// The prefix, `whsec_`.
        prefix: &'static str,
        /// The provider, which keys the HMAC with the whole secret.
        provider: &'static str,
    },
    /// The delivery verifies with the key base64-decoded from the secret
    /// (after `whsec_`), Standard Webhooks' rule, where the provider keys
    /// with the secret as issued.
    SecretBase64Decoded {
        /// The provider, which keys the HMAC with the secret as issued.
        provider: &'static str,
    },
    /// The delivery verifies with the secret's text as the key, where the
    /// scheme keys with the base64 it holds (Standard Webhooks).
    SecretNotDecoded {
        /// Whether the text keyed with still had its `whsec_` prefix.
        prefix_kept: bool,
    },
    /// The body verifies without its final newline: one was added after
    /// it was signed.
    TrailingNewlineAdded,
    /// The body verifies with a final newline: the one the sender signed
    /// was removed.
    TrailingNewlineRemoved,
    /// The body verifies with its CRLF line endings turned into LF: they
    /// were converted after it was signed.
    CrlfAdded,
    /// The body verifies with its LF line endings turned into CRLF: the
    /// sender signed CRLF.
    CrlfRemoved,
    /// The body is JSON, and verifies once written again in `style`: it
    /// was parsed and re-serialized after it was signed.
    JsonReserialized {
        /// How the sender wrote the JSON it signed.
        style: JsonStyle,
        /// Whether the sender wrote every object's keys sorted.
        sorted_keys: bool,
        /// Whether the sender's JSON ended with a newline (tried for
        /// pretty-printed JSON only: a file's usual shape).
        final_newline: bool,
    },
    /// The signature is valid over a timestamp of 13 digits or more,
    /// refused as far in the future: the sender signs milliseconds where
    /// Unix seconds are expected.
    Milliseconds {
        /// The signed timestamp, in milliseconds.
        timestamp: i64,
        /// The verifier's clock, in Unix seconds.
        now: i64,
    },
    /// The signature is valid, but the signed time is outside the
    /// tolerance: a clock is off, or the delivery was held up or replayed.
    OutsideTolerance {
        /// The signed time, in Unix seconds.
        signed_at: i64,
        /// The verifier's clock, in Unix seconds.
        now: i64,
        /// How far from the clock the time may be (for a time in the body:
        /// how long after it a delivery is accepted).
        tolerance: Duration,
        /// The body field holding the time, when the scheme signs its time
        /// in the body (Commet's and LeadLex's `timestamp`).
        body_field: Option<&'static str>,
        /// The provider.
        provider: &'static str,
    },
    /// The signature header the scheme reads is missing, and another
    /// provider's is present.
    OtherProvider {
        /// The header the scheme reads.
        expected: Cow<'static, str>,
        /// The header found.
        found: &'static str,
        /// The provider that signs with it.
        provider: &'static str,
    },
}

/// How a JSON body was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonStyle {
    /// No whitespace: `{"a":1,"b":[1,2]}` (JavaScript's `JSON.stringify`,
    /// `serde_json::to_vec`).
    Compact,
    /// Two-space indentation, one value per line (`JSON.stringify(v, null,
    /// 2)`, `serde_json::to_vec_pretty`; Stripe sends its events so).
    Pretty,
    /// `{"a": 1, "b": [1, 2]}`, non-ASCII escaped as `\uXXXX` (Python's
    /// `json.dumps` defaults).
    Spaced,
}

/// [`explain_at`] against the system clock.
pub fn explain<P: Provider>(
    secret: &str,
    headers: &(impl Headers + ?Sized),
    body: &[u8],
) -> Diagnosis {
    explain_at::<P>(secret, headers, body, crate::time::unix_now())
}

/// Verifies a delivery of provider `P` with `secret` exactly as configured
/// and, when it is refused, tries the usual corrections one by one, and
/// says which one would have made it verify.
///
/// `headers` and `body` are the delivery as the receiver verified it (the
/// bytes it passed to the verifier), `now` its clock in Unix seconds
/// ([`explain`] reads the system clock). The
/// tolerance is the scheme's default (300 s, or the body-time window of
/// Commet and LeadLex).
///
/// Tried, in order, each alone, stopping at the first that verifies:
///
/// 1. the secret as configured, with surrounding whitespace or quotes
///    removed when it has any (reported whether or not it then verifies);
/// 2. when the signature is valid but the time is refused: milliseconds
///    signed for seconds, or how far off the time is;
/// 3. the body without its final newline, or with one; with CRLF line
///    endings turned into LF, or LF into CRLF;
/// 4. a JSON body written compact, pretty or spaced, keys in their order
///    and then sorted, and pretty with a final newline (a file's shape);
/// 5. the secret with its `whsec_` prefix added or removed, and keyed
///    base64-decoded where the scheme keys it as issued (or the reverse).
///
/// At most [`MAX_TRIES`] verifications in all: see the
/// [module documentation](self) for the cost, and why this is never run on
/// the request path.
///
/// A provider that signs the URL it calls (Square, Twilio, HubSpot) cannot
/// be verified without it ([`Outcome::InvalidSecret`] with
/// [`ConfigError::PublicOriginRequired`]): [`explain_target_at`] takes the
/// request's method and URL.
pub fn explain_at<P: Provider>(
    secret: &str,
    headers: &(impl Headers + ?Sized),
    body: &[u8],
    now: i64,
) -> Diagnosis {
    explain_request::<P>(secret, None, headers, body, now)
}

/// [`explain_at`] for a delivery of a provider that signs the URL it calls
/// (Square, Twilio, HubSpot): verified against `method` and `url`, the
/// public URL the provider called (as
/// [`Verifier::at_public_origin`](crate::Verifier::at_public_origin) and
/// [`RequestTarget`](crate::RequestTarget) take its origin, and its path
/// and query), then the
/// same corrections of the body and the secret, the URL and method kept.
/// A mistake in the URL itself is [`explain_url_at`]'s to find. For a
/// provider that signs no URL, the URL must still be one (it is checked
/// first), and the rest is the same as [`explain_at`].
///
/// A `url` that is not one a signer takes (see [`split_url`]), or a
/// method that is not an HTTP token, is refused
/// ([`Error::MalformedTarget`]) before anything is tried.
///
#[cfg_attr(feature = "base64", doc = "```")]
#[cfg_attr(not(feature = "base64"), doc = "```ignore")]
/// use signed_webhooks::diagnose::{self, Finding};
/// use signed_webhooks::{Signer, Square};
///
/// let key = "eS7kmbr1DcT8R0lWu_mDDg";
/// let url = "https://hooks.example.com/square";
/// let sent = b"{\n  \"event_id\": \"b2a6f8c4\",\n  \"type\": \"payment.updated\"\n}\n";
/// let headers = Signer::<Square>::for_url(url, key)?.sign(sent);
///
/// // The receiver verified the body without its final newline.
/// let received = &sent[..sent.len() - 1];
/// let diagnosis = diagnose::explain_target_at::<Square>(key, "POST", url, &headers, received, 1_790_000_000);
/// assert!(diagnosis.is_explained());
/// assert_eq!(diagnosis.findings(), [Finding::TrailingNewlineRemoved]);
/// # Ok::<(), signed_webhooks::ConfigError>(())
/// ```
pub fn explain_target_at<P: Provider>(
    secret: &str,
    method: &str,
    url: &str,
    headers: &(impl Headers + ?Sized),
    body: &[u8],
    now: i64,
) -> Diagnosis {
    let malformed = |reason| Diagnosis {
        outcome: Outcome::Refused(Error::MalformedTarget { reason }),
        malformed: None,
        findings: Vec::new(),
        tried: 0,
        explained: false,
    };
    if let Err(reason) = crate::target::check_method(method) {
        return malformed(reason);
    }
    let Some((origin, path_and_query)) = split_url(url) else {
        return malformed("the URL is not an http(s) origin followed by a path and query");
    };
    let target = crate::target::RequestTarget::new(method, path_and_query);
    explain_request::<P>(secret, Some((origin, target)), headers, body, now)
}

/// [`explain_at`], with the public origin and the request's target for a
/// scheme that signs the URL.
fn explain_request<P: Provider>(
    secret: &str,
    request: Option<(&str, crate::target::RequestTarget<'_>)>,
    headers: &(impl Headers + ?Sized),
    body: &[u8],
    now: i64,
) -> Diagnosis {
    let scheme = P::scheme();
    let origin = request.map(|(origin, _)| origin);
    let mut run = Run {
        headers,
        target: request.map(|(_, target)| target),
        now,
        tried: 0,
    };

    let as_is = Verifier::<P>::with_scheme_at(scheme.clone(), [secret], false, origin);
    let (outcome, as_is_judged) = match &as_is {
        Ok(verifier) => {
            run.tried += 1;
            let result = run.verify(verifier, body);
            let judged = run.judge(verifier, body, &result);
            match result {
                Ok(verified) => {
                    return Diagnosis {
                        outcome: Outcome::Verified(verified),
                        malformed: None,
                        findings: Vec::new(),
                        tried: run.tried,
                        explained: true,
                    };
                }
                Err(error) => (Outcome::Refused(error), Some(judged)),
            }
        }
        Err(error) => (Outcome::InvalidSecret(error.clone()), None),
    };

    let (cleaned, mut findings) = clean(secret);
    let secret_refused = matches!(outcome, Outcome::InvalidSecret(_));
    let diagnosis = |findings: Vec<Finding>, tried: usize, explained: bool| Diagnosis {
        outcome,
        malformed: None,
        findings,
        tried,
        explained,
    };

    // Headers not of the scheme's shape: no correction of the body or the
    // secret changes that.
    let shape = as_is
        .as_ref()
        .ok()
        .and_then(|v| v.check_headers(headers).err())
        .or_else(|| {
            Verifier::<P>::with_scheme_at(scheme.clone(), [cleaned], false, origin)
                .ok()
                .and_then(|v| v.check_headers(headers).err())
        });
    if let Some(error) = shape {
        if let Error::MissingHeader { header } = &error {
            findings.extend(other_provider(&scheme, header.clone(), headers));
        }
        let mut diagnosis = diagnosis(findings, run.tried, false);
        // Refused as configured for its secret: the headers' fault is
        // still to be said.
        diagnosis.malformed = secret_refused.then_some(error);
        return diagnosis;
    }

    // The secret as configured, cleaned of copy mistakes.
    let primary = if findings.is_empty() {
        as_is.ok()
    } else {
        Verifier::<P>::with_scheme_at(scheme.clone(), [cleaned], false, origin).ok()
    };
    if let Some(primary) = &primary {
        let judged = match as_is_judged {
            Some(judged) if findings.is_empty() => judged,
            _ => run.check(primary, body),
        };
        if let Some(time) = judged {
            findings.extend(time);
            return diagnosis(findings, run.tried, true);
        }
        for (finding, candidate) in body_corrections(body) {
            if let Some(time) = run.check(primary, &candidate) {
                findings.push(finding);
                findings.extend(time);
                return diagnosis(findings, run.tried, true);
            }
        }
    }
    if cleaned.trim().is_empty() {
        return diagnosis(findings, run.tried, false);
    }
    for (finding, format, key) in secret_corrections::<P>(&scheme, cleaned) {
        let Ok(verifier) = Verifier::<P>::with_scheme_at(
            scheme.clone().with_secret_format(format),
            [key.as_str()],
            false,
            origin,
        ) else {
            continue;
        };
        if let Some(time) = run.check(&verifier, body) {
            findings.push(finding);
            findings.extend(time);
            return diagnosis(findings, run.tried, true);
        }
    }
    diagnosis(findings, run.tried, false)
}

impl Diagnosis {
    /// How the delivery fared with the secret exactly as configured.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// What verified, when the delivery verified as configured.
    pub fn verified(&self) -> Option<&Verified> {
        match &self.outcome {
            Outcome::Verified(verified) => Some(verified),
            _ => None,
        }
    }

    /// The corrections and facts found, in the order they apply: a secret
    /// cleaned up first, then what made the delivery verify, then a time
    /// outside the tolerance. Empty when it verified as configured, or when
    /// nothing tried explains the refusal.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Whether the delivery verifies, as configured or with the
    /// [`findings`](Self::findings) corrected (a time outside the tolerance
    /// counts as corrected: the signature is valid).
    pub fn is_explained(&self) -> bool {
        self.explained
    }

    /// How many verifications were run, the delivery as configured
    /// included: at most [`MAX_TRIES`], each one HMAC at most.
    pub fn tried(&self) -> usize {
        self.tried
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shape_error = match &self.outcome {
            Outcome::Verified(verified) => {
                f.write_str("verified")?;
                if let Some(timestamp) = verified.timestamp() {
                    write!(f, ", signed at {timestamp} (Unix seconds)")?;
                }
                return Ok(());
            }
            Outcome::Refused(error) => {
                match error {
                    // Its text lists the usual causes: the findings say which.
                    Error::SignatureMismatch {
                        signatures,
                        secrets,
                        ..
                    } => write!(
                        f,
                        "refused: no signature matched ({signatures} signature(s) tried against \
                         {secrets} secret(s))"
                    )?,
                    _ => write!(f, "refused: {error}")?,
                }
                matches!(
                    error,
                    Error::MissingHeader { .. }
                        | Error::DuplicateHeader { .. }
                        | Error::MalformedHeader { .. }
                        | Error::NoSignature { .. }
                )
            }
            Outcome::InvalidSecret(error) => {
                write!(f, "the secret as configured is refused: {error}")?;
                false
            }
        };
        for finding in &self.findings {
            write!(f, "\n- {finding}")?;
        }
        if let Some(error) = &self.malformed {
            write!(f, "\nand with the secret corrected, still refused: {error}")?;
            shape_error = true;
        }
        let corrections = self
            .findings
            .iter()
            .filter(|finding| !finding.is_about_time())
            .count();
        if self.explained {
            // A time finding says the signature is valid on its own.
            if corrections > 0 {
                let that = if corrections > 1 { "those" } else { "that" };
                write!(f, "\nwith {that} corrected, the delivery verifies")?;
            }
        } else if !shape_error && self.tried > 0 {
            write!(
                f,
                "\nnone of the usual mistakes explains it ({} variants tried): the secret is most \
                 likely not the one this delivery was signed with (another endpoint, or test \
                 mode for live), or the body was changed in a way not tried (keys reordered by \
                 a JSON re-serialization, a charset conversion, a proxy rewriting it)",
                self.tried
            )?;
        }
        Ok(())
    }
}

impl Finding {
    /// Whether the finding is about the signed time, not a correction of
    /// the body or the secret.
    fn is_about_time(&self) -> bool {
        matches!(
            self,
            Finding::Milliseconds { .. } | Finding::OutsideTolerance { .. }
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::SecretWhitespace => f.write_str(
                "the secret has leading or trailing whitespace (often a newline from a file or \
                 a copy-paste): remove it where the secret is loaded",
            ),
            Finding::SecretQuoted => f.write_str(
                "the secret is wrapped in quotes, which are not part of it (a .env or YAML \
                 loader kept them): remove them",
            ),
            Finding::SecretPrefixMissing { prefix, provider } => write!(
                f,
                "the secret lost its `{prefix}` prefix: {provider} keys the HMAC with the whole \
                 secret as issued, `{prefix}` included; configure it exactly as the provider \
                 shows it"
            ),
            Finding::SecretPrefixExtra { prefix, provider } => write!(
                f,
                "the delivery was signed with the secret minus its `{prefix}` prefix, but \
                 {provider} keys the HMAC with the whole secret as issued: if you wrote the \
                 sender, sign with the whole secret"
            ),
            Finding::SecretBase64Decoded { provider } => write!(
                f,
                "the delivery was signed with the base64-decoded secret as the key (the \
                 Standard Webhooks rule), but {provider} keys the HMAC with the secret as \
                 issued: the sender follows Standard Webhooks; verify its deliveries as \
                 Standard Webhooks, or fix the sender"
            ),
            Finding::SecretNotDecoded { prefix_kept } => write!(
                f,
                "the delivery was signed with the secret's text as the key ({}), but Standard \
                 Webhooks keys the HMAC with the bytes base64-decoded from after `whsec_`: the \
                 sender does not follow Standard Webhooks; fix the sender, or verify its \
                 deliveries as the provider it imitates",
                if *prefix_kept {
                    "`whsec_` included"
                } else {
                    "without `whsec_`"
                }
            ),
            Finding::TrailingNewlineAdded => f.write_str(
                "a newline was added at the end of the body after it was signed (a file saved \
                 with a final newline, `echo`, a line-by-line read): verify the raw bytes you \
                 received",
            ),
            Finding::TrailingNewlineRemoved => f.write_str(
                "the body lost the final newline it was signed with (a `trim()`, or `$(…)` in \
                 a shell): verify the raw bytes you received",
            ),
            Finding::CrlfAdded => f.write_str(
                "the body's line endings were converted from LF to CRLF after it was signed (a \
                 text-mode read, a Windows tool): verify the raw bytes you received",
            ),
            Finding::CrlfRemoved => f.write_str(
                "the body was signed with CRLF line endings, converted to LF since (a text-mode \
                 read, git's autocrlf): verify the raw bytes you received",
            ),
            Finding::JsonReserialized {
                style,
                sorted_keys,
                final_newline,
            } => {
                let style = match style {
                    JsonStyle::Compact => "compact (no whitespace)",
                    JsonStyle::Pretty => "pretty-printed (two-space indent)",
                    JsonStyle::Spaced => "with spaces after `:` and `,` (Python's json.dumps)",
                };
                let sorted = if *sorted_keys { ", keys sorted" } else { "" };
                let newline = if *final_newline {
                    ", with a final newline"
                } else {
                    ""
                };
                write!(
                    f,
                    "the body was re-serialized as JSON: the sender signed it {style}{sorted}{newline}, \
                     and what was verified is the same JSON written differently; verify the \
                     raw bytes you received, before any JSON parsing"
                )
            }
            Finding::Milliseconds { timestamp, now } => {
                let seconds = timestamp.div_euclid(1000);
                write!(
                    f,
                    "the timestamp {timestamp} is in milliseconds (the signature over it is \
                     valid): the sender signs milliseconds where Unix seconds are expected; it \
                     should sign and send {seconds} (`Date.now() / 1000`, rounded down)"
                )?;
                let off = seconds.saturating_sub(*now);
                if off.unsigned_abs() > 300 {
                    let (span, way) = (span(off.unsigned_abs()), ahead_or_behind(off));
                    write!(f, ", and its clock is {span} {way} this one")?;
                }
                Ok(())
            }
            Finding::OutsideTolerance {
                signed_at,
                now,
                tolerance,
                body_field: Some(field),
                provider,
            } => {
                let age = now.saturating_sub(*signed_at);
                if age >= 0 {
                    write!(
                        f,
                        "the signature is valid, but the event's `{field}` in the body is {} \
                         old, and {provider} deliveries are accepted for {} after it: a replay \
                         of an old event, or a test body whose `{field}` was not refreshed",
                        span(age.unsigned_abs()),
                        span(tolerance.as_secs())
                    )
                } else {
                    write!(
                        f,
                        "the signature is valid, but the event's `{field}` in the body is {} in \
                         the future: the sender's clock is ahead of this one (or this one \
                         behind); check NTP on both",
                        span(age.unsigned_abs())
                    )
                }
            }
            Finding::OutsideTolerance {
                signed_at,
                now,
                tolerance,
                body_field: None,
                ..
            } => {
                let off = signed_at.saturating_sub(*now);
                let (span_off, tolerance) = (span(off.unsigned_abs()), span(tolerance.as_secs()));
                if off < 0 {
                    write!(
                        f,
                        "the signature is valid, but the delivery was signed {span_off} ago, \
                         beyond the {tolerance} tolerance: if it was sent just now, the \
                         sender's clock is {span_off} behind this one (check NTP on both); \
                         otherwise it was held up or replayed"
                    )
                } else {
                    write!(
                        f,
                        "the signature is valid, but the delivery was signed {span_off} in the \
                         future, beyond the {tolerance} tolerance: the sender's clock is \
                         {span_off} ahead of this one (or this one behind); check NTP on both"
                    )
                }
            }
            Finding::OtherProvider {
                expected,
                found,
                provider,
            } => write!(
                f,
                "the request has no `{expected}` header but has `{found}`: it looks like a \
                 {provider} delivery; verify it as one, with that provider's secret"
            ),
        }
    }
}

/// The state of one diagnosis: what every verification needs, and the
/// count of those run.
struct Run<'a, H: ?Sized> {
    headers: &'a H,
    /// The request's method, path and query, for a scheme that signs them.
    target: Option<crate::target::RequestTarget<'a>>,
    now: i64,
    tried: usize,
}

impl<H: Headers + ?Sized> Run<'_, H> {
    /// One verification of `body`, against the request's target when
    /// there is one (not counted: [`Run::check`] counts).
    fn verify<P: Provider>(&self, verifier: &Verifier<P>, body: &[u8]) -> Result<Verified, Error> {
        match &self.target {
            Some(target) => verifier.verify_target_at(target, self.headers, body, self.now),
            None => verifier.verify_at(self.headers, body, self.now),
        }
    }

    /// Verifies `body` with `verifier`: `None` when the signature does not
    /// match, `Some(time)` when it does, `time` the finding when the time is
    /// then refused.
    fn check<P: Provider>(
        &mut self,
        verifier: &Verifier<P>,
        body: &[u8],
    ) -> Option<Option<Finding>> {
        self.tried += 1;
        let result = self.verify(verifier, body);
        self.judge(verifier, body, &result)
    }

    /// Reads a verification's result as [`Run::check`] answers.
    fn judge<P: Provider>(
        &self,
        verifier: &Verifier<P>,
        body: &[u8],
        result: &Result<Verified, Error>,
    ) -> Option<Option<Finding>> {
        let error = match result {
            Ok(_) => return Some(None),
            Err(error) => error,
        };
        let (signed_at, now, tolerance) = match *error {
            Error::TimestampTooOld {
                timestamp,
                now,
                tolerance,
            }
            | Error::TimestampInFuture {
                timestamp,
                now,
                tolerance,
            } => (timestamp, now, tolerance),
            // Raised only once the signature matched: the body lacks the
            // time or id the scheme reads, which the error itself says.
            Error::Decode(_) => return Some(None),
            _ => return None,
        };
        let scheme = verifier.scheme();
        let body_field = scheme.body_time.map(|time| time.field);
        if body_field.is_none() {
            // A time in a header is checked before any HMAC: the signature
            // is still unknown. It costs the HMAC the check saved.
            self.verify(&verifier.clone().dangerous_without_timestamp_check(), body)
                .ok()?;
            if matches!(error, Error::TimestampInFuture { .. }) && signed_at >= 1_000_000_000_000 {
                return Some(Some(Finding::Milliseconds {
                    timestamp: signed_at,
                    now,
                }));
            }
        }
        Some(Some(Finding::OutsideTolerance {
            signed_at,
            now,
            tolerance,
            body_field,
            provider: P::NAME,
        }))
    }
}

/// The secret without surrounding whitespace and quotes, and a finding for
/// each removed.
fn clean(secret: &str) -> (&str, Vec<Finding>) {
    let mut cleaned = secret;
    let mut findings = Vec::new();
    for _ in 0..3 {
        let finding = match Secret::from(cleaned).validate() {
            Err(SecretError::SurroundingWhitespace) => {
                cleaned = cleaned.trim();
                Finding::SecretWhitespace
            }
            // The quotes are ASCII: the slice is on character boundaries.
            Err(SecretError::Quoted) => {
                cleaned = &cleaned[1..cleaned.len() - 1];
                Finding::SecretQuoted
            }
            _ => break,
        };
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    }
    (cleaned, findings)
}

/// The body as it was perhaps signed: newline and line-ending corrections
/// first (cheap), then the JSON re-serializations. None equals the body or
/// an earlier one.
fn body_corrections(body: &[u8]) -> Vec<(Finding, Vec<u8>)> {
    let mut candidates: Vec<(Finding, Vec<u8>)> = Vec::with_capacity(8);
    let mut push = |finding: Finding, candidate: Vec<u8>| {
        if candidate != body && candidates.iter().all(|(_, c)| *c != candidate) {
            candidates.push((finding, candidate));
        }
    };
    if let Some(rest) = body.strip_suffix(b"\n") {
        push(
            Finding::TrailingNewlineAdded,
            rest.strip_suffix(b"\r").unwrap_or(rest).to_vec(),
        );
    } else {
        push(Finding::TrailingNewlineRemoved, [body, b"\n"].concat());
    }
    if body.windows(2).any(|w| w == b"\r\n") {
        push(Finding::CrlfAdded, replace(body, b"\r\n", b"\n"));
    } else if body.contains(&b'\n') {
        push(Finding::CrlfRemoved, replace(body, b"\n", b"\r\n"));
    }
    let reserialized = json::reserializations(body);
    let mut pretty_files = Vec::with_capacity(2);
    for (style, sorted_keys, candidate) in reserialized {
        if style == JsonStyle::Pretty {
            pretty_files.push((sorted_keys, [&candidate[..], b"\n"].concat()));
        }
        let final_newline = false;
        push(
            Finding::JsonReserialized {
                style,
                sorted_keys,
                final_newline,
            },
            candidate,
        );
    }
    // A pretty-printed file ends with a newline, and is often what was
    // signed (`sign < event.json`).
    for (sorted_keys, candidate) in pretty_files {
        push(
            Finding::JsonReserialized {
                style: JsonStyle::Pretty,
                sorted_keys,
                final_newline: true,
            },
            candidate,
        );
    }
    candidates
}

fn replace(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 16);
    let mut rest = body;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// The secret keyed otherwise than the scheme says: `(finding, format, key
/// text)`, two at most.
fn secret_corrections<P: Provider>(
    scheme: &Scheme,
    secret: &str,
) -> Vec<(Finding, SecretFormat, Zeroizing<String>)> {
    let mut out = Vec::with_capacity(2);
    match scheme.secret_format {
        SecretFormat::AsIssued => {
            let text = |s: &str| Zeroizing::new(s.to_owned());
            match secret.strip_prefix(WHSEC) {
                Some(rest) => out.push((
                    Finding::SecretPrefixExtra {
                        prefix: WHSEC,
                        provider: P::NAME,
                    },
                    SecretFormat::AsIssued,
                    text(rest),
                )),
                None => out.push((
                    Finding::SecretPrefixMissing {
                        prefix: WHSEC,
                        provider: P::NAME,
                    },
                    SecretFormat::AsIssued,
                    Zeroizing::new(format!("{WHSEC}{secret}")),
                )),
            }
            #[cfg(feature = "base64")]
            out.push((
                Finding::SecretBase64Decoded { provider: P::NAME },
                SecretFormat::Base64 { prefix: WHSEC },
                text(secret),
            ));
        }
        #[cfg(feature = "base64")]
        SecretFormat::Base64 { prefix } => {
            out.push((
                Finding::SecretNotDecoded {
                    prefix_kept: secret.starts_with(prefix),
                },
                SecretFormat::AsIssued,
                Zeroizing::new(secret.to_owned()),
            ));
            if let Some(rest) = secret.strip_prefix(prefix) {
                out.push((
                    Finding::SecretNotDecoded { prefix_kept: false },
                    SecretFormat::AsIssued,
                    Zeroizing::new(rest.to_owned()),
                ));
            }
        }
        // A public key is the provider's to show: no other reading of it
        // is guessed.
        #[allow(unreachable_patterns)]
        _ => {}
    }
    out
}

/// The signature headers of the providers this crate knows, for a request
/// that lacks its scheme's: `(header, provider)`.
const SIGNATURE_HEADERS: &[(&str, &str)] = &[
    ("x-unleeshed-signature", "unleeshed (or exchange)"),
    ("stripe-signature", "stripe"),
    ("x-commet-signature", "commet"),
    ("x-leadlex-signature", "leadlex"),
    ("x-hub-signature-256", "github"),
    ("webhook-signature", "standard-webhooks"),
    ("svix-signature", "svix"),
];

fn other_provider(
    scheme: &Scheme,
    expected: Cow<'static, str>,
    headers: &(impl Headers + ?Sized),
) -> Option<Finding> {
    SIGNATURE_HEADERS
        .iter()
        .filter(|(header, _)| scheme.header_names().all(|name| name != *header))
        .find(|(header, _)| headers.first_two(header)[0].is_some())
        .map(|&(found, provider)| Finding::OtherProvider {
            expected,
            found,
            provider,
        })
}

/// A duration as a person reads it: `45 s`, `12 min 5 s`, `2 h 3 min`,
/// `3 d 4 h`.
fn span(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let pair = |a: u64, a_unit: &str, b: u64, b_unit: &str| {
        if b == 0 {
            format!("{a} {a_unit}")
        } else {
            format!("{a} {a_unit} {b} {b_unit}")
        }
    };
    match seconds {
        0..120 => format!("{seconds} s"),
        120..7200 => pair(seconds / 60, "min", s, "s"),
        7200..172_800 => pair(seconds / 3600, "h", m, "min"),
        _ => pair(d, "d", h, "h"),
    }
}

fn ahead_or_behind(off: i64) -> &'static str {
    if off < 0 { "behind" } else { "ahead of" }
}

#[cfg(test)]
mod tests;
