//! [`Handshake`]: a provider checking a new endpoint with a signed request
//! of its own, and the answer it expects.

use crate::error::Error;

/// A request a provider sends to check an endpoint, signed like its
/// deliveries, and expecting a particular answer rather than a 2xx alone:
/// Slack's `url_verification`, Zoom's `endpoint.url_validation`, Twitch's
/// `webhook_callback_verification`. [`Provider::handshake`] recognises
/// them in a verified body; the axum and actix-web extractors answer them
/// themselves, so a receiver written the README's way passes each
/// provider's endpoint check without code of its own, and its handler
/// never sees one.
///
/// [`Provider::handshake`]: crate::Provider::handshake
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Handshake {
    /// Answer 200 with this text (`text/plain`): Slack's and Twitch's
    /// challenge, echoed.
    Echo(String),
    /// Answer 200 with `{"plainToken": …, "encryptedToken": …}`, the
    /// second the hex HMAC-SHA256 of the first keyed with the endpoint's
    /// secret (Zoom's `endpoint.url_validation`).
    PlainToken(String),
    /// Answer 200 with this JSON body (`application/json`): Discord's PING
    /// interaction, answered `{"type":1}` (PONG).
    Json(&'static str),
}

/// The answer to a handshake: 200, with this content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeAnswer {
    /// `text/plain` or `application/json`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl Handshake {
    /// Reads `field` of a JSON body as text: the challenge or token a
    /// handshake carries.
    pub(crate) fn field(body: &[u8], field: &str) -> Result<String, Error> {
        let value: serde_json::Value = crate::event::decode_event(body)?;
        match value.get(field).and_then(serde_json::Value::as_str) {
            Some(text) => Ok(text.to_owned()),
            None => Err(crate::verify::missing_field(
                field,
                "a handshake carries the text it expects back",
            )),
        }
    }
}

/// A provider checking an endpoint with an **unsigned** `GET`, its
/// parameters in the query: [`Provider::ENDPOINT_CHECK`] names them.
///
/// Nothing in such a request is signed, so nothing of it is a delivery:
/// the axum and actix-web extractors answer it themselves when the `GET`
/// is routed to a webhook handler, and their handler never sees it
/// ([`Verifier::answer_endpoint_check`] for other stacks). Only the
/// provider's own parameters are answered, each exactly once and nothing
/// else in the query; any other `GET` is refused. The challenge echoed is
/// 1 to [`MAX_CHALLENGE_LEN`] bytes of ASCII letters, digits, `-`, `_`,
/// `.` and `~` (the URL's unreserved characters): Meta's is "an int",
/// Dropbox's "a random string" (`abc123` in its docs), and a receiver
/// echoing anything else could be made to reflect content of a stranger's
/// choosing. The answer is `200`, `text/plain`, with
/// `X-Content-Type-Options: nosniff`.
///
/// [`Provider::ENDPOINT_CHECK`]: crate::Provider::ENDPOINT_CHECK
/// [`Verifier::answer_endpoint_check`]: crate::Verifier::answer_endpoint_check
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointCheck {
    /// `GET ?<challenge>=<text>`: echo the text (Dropbox's
    /// `?challenge=…`).
    Echo {
        /// The parameter holding the challenge.
        challenge: &'static str,
    },
    /// `GET ?<mode>=subscribe&<challenge>=<text>&<token>=<verify token>`:
    /// echo the text only when the token is the verifier's verify token
    /// ([`Verifier::with_verify_token`]), else refuse 403 (Meta's
    /// `hub.mode`, `hub.challenge`, `hub.verify_token`). The verify token
    /// is a value the operator typed in the provider's dashboard, not the
    /// signing secret; it proves only that the caller knows it.
    ///
    /// [`Verifier::with_verify_token`]: crate::Verifier::with_verify_token
    VerifyToken {
        /// The parameter that must be `subscribe`.
        mode: &'static str,
        /// The parameter holding the challenge.
        challenge: &'static str,
        /// The parameter holding the verify token.
        token: &'static str,
    },
}

/// The longest challenge an [`EndpointCheck`] echoes, in bytes (after
/// percent-decoding): Meta's are ten-digit integers, Dropbox's short
/// random strings.
pub const MAX_CHALLENGE_LEN: usize = 256;

/// The mode Meta's verification request names (`hub.mode=subscribe`).
const SUBSCRIBE: &str = "subscribe";

/// Why an unsigned `GET` was not answered as the provider's endpoint check
/// ([`EndpointCheck`]). Like [`Error`], it answers with a short fixed
/// sentence ([`public_message`](Self::public_message)); its `Display` text
/// is for the operator's log, and never shows a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointCheckError {
    /// The provider checks no endpoint with an unsigned `GET`: a `GET`
    /// to it is a delivery (Twilio's, verified like any) or refused 405
    /// ([`Provider::METHODS`](crate::Provider::METHODS)).
    #[non_exhaustive]
    #[error(
        "a GET reached {provider}'s endpoint check, but {provider} checks no endpoint with an \
         unsigned GET"
    )]
    NoCheck {
        /// The provider.
        provider: &'static str,
        /// The methods it delivers with ([`Provider::METHODS`](crate::Provider::METHODS)),
        /// which a 405 answer's `Allow` lists.
        methods: &'static [&'static str],
    },
    /// Not the provider's check: a parameter missing (but Meta's verify
    /// token: [`WrongVerifyToken`](Self::WrongVerifyToken)) or repeated,
    /// or a mode other than `subscribe` (400). Parameters that are not
    /// the check's (the registered URL's own) are ignored.
    #[non_exhaustive]
    #[error("a GET that is not {provider}'s endpoint check: {reason}")]
    NotTheCheck {
        /// The provider.
        provider: &'static str,
        /// What is wrong with the query.
        reason: &'static str,
    },
    /// The challenge is empty, longer than [`MAX_CHALLENGE_LEN`], or holds
    /// a character other than ASCII letters, digits, `-`, `_`, `.`, `~`:
    /// it is not echoed (400).
    #[non_exhaustive]
    #[error(
        "{provider}'s endpoint check carries a challenge that is not 1 to {MAX_CHALLENGE_LEN} \
         ASCII letters, digits, `-`, `_`, `.` or `~`: not echoed"
    )]
    InvalidChallenge {
        /// The provider.
        provider: &'static str,
    },
    /// The verify token is not the one configured, or missing (403).
    #[non_exhaustive]
    #[error(
        "{provider}'s endpoint check carries a verify token other than the one configured: \
         the Verify Token typed in the provider's dashboard must be the one given to \
         `Verifier::with_verify_token`"
    )]
    WrongVerifyToken {
        /// The provider.
        provider: &'static str,
    },
    /// The verifier has no verify token to compare with (403): the
    /// receiver is not configured for this check.
    #[non_exhaustive]
    #[error(
        "{provider}'s endpoint check (GET ?hub.verify_token=…) is refused: no verify token is \
         configured; build the verifier with `Verifier::<{type_name}>::new(app_secret)?\
         .with_verify_token(token)?`, `token` being the Verify Token typed in {type_name}'s \
         dashboard (not the app secret)"
    )]
    NoVerifyToken {
        /// The provider.
        provider: &'static str,
        /// The provider's type, as the configuration names it.
        type_name: &'static str,
    },
}

impl EndpointCheckError {
    /// The HTTP status it answers with: 405, 400 or 403.
    pub fn status(&self) -> http::StatusCode {
        match self {
            EndpointCheckError::NoCheck { .. } => http::StatusCode::METHOD_NOT_ALLOWED,
            EndpointCheckError::NotTheCheck { .. }
            | EndpointCheckError::InvalidChallenge { .. } => http::StatusCode::BAD_REQUEST,
            EndpointCheckError::WrongVerifyToken { .. }
            | EndpointCheckError::NoVerifyToken { .. } => http::StatusCode::FORBIDDEN,
        }
    }

    /// A short, stable, machine-readable name. A token that does not match
    /// and one that cannot match (none configured) have the same: a
    /// stranger learns nothing of the configuration.
    pub fn code(&self) -> &'static str {
        match self {
            EndpointCheckError::NoCheck { .. } => "method_not_allowed",
            EndpointCheckError::NotTheCheck { .. } => "not_an_endpoint_check",
            EndpointCheckError::InvalidChallenge { .. } => "invalid_challenge",
            EndpointCheckError::WrongVerifyToken { .. }
            | EndpointCheckError::NoVerifyToken { .. } => "verify_token_refused",
        }
    }

    /// The fixed sentence the sender is told.
    pub fn public_message(&self) -> &'static str {
        match self {
            EndpointCheckError::NoCheck { .. } => "this endpoint has no unsigned check",
            EndpointCheckError::NotTheCheck { .. } => {
                "this GET is not the provider's endpoint check"
            }
            EndpointCheckError::InvalidChallenge { .. } => {
                "the challenge is not one this endpoint echoes"
            }
            EndpointCheckError::WrongVerifyToken { .. }
            | EndpointCheckError::NoVerifyToken { .. } => "the verify token is refused",
        }
    }
}

/// The answer to `check` for a `GET` with `query` (its raw query string,
/// without `?`), `verify_token` being the one configured. The token is
/// compared in constant time, as SHA-256 digests (so neither its bytes nor
/// its length shows in the timing).
pub(crate) fn answer_endpoint_check(
    check: EndpointCheck,
    provider: &'static str,
    type_name: &'static str,
    query: Option<&str>,
    verify_token: Option<&str>,
) -> Result<HandshakeAnswer, EndpointCheckError> {
    let not_the_check = |reason| EndpointCheckError::NotTheCheck { provider, reason };
    let (names, challenge_name): (&[&str], &str) = match &check {
        EndpointCheck::Echo { challenge } => (std::slice::from_ref(challenge), challenge),
        EndpointCheck::VerifyToken {
            mode,
            challenge,
            token,
        } => (&[*mode, *challenge, *token][..], challenge),
    };
    // Bounded work: a query longer than the check's parameters can be is
    // refused before it is split.
    let query = query.unwrap_or_default();
    if query.len() > 4096 {
        return Err(not_the_check("the query is too long"));
    }
    let mut values: [Option<String>; 3] = [None, None, None];
    for (name, value) in crate::target::form_pairs(query.as_bytes()) {
        // Another parameter is the registered URL's own (`?tenant=acme`),
        // which the provider keeps when it adds the check's: ignored, since
        // only the checked challenge is ever echoed.
        let Some(index) = names.iter().position(|known| *known == name) else {
            continue;
        };
        if values[index].replace(value.into_owned()).is_some() {
            return Err(not_the_check("a parameter repeated"));
        }
    }
    // The check's parameters, but for Meta's token: a request without one
    // carries a wrong one (403).
    let required = match check {
        EndpointCheck::Echo { .. } => 1,
        EndpointCheck::VerifyToken { .. } => 2,
    };
    if values[..required].iter().any(Option::is_none) {
        return Err(not_the_check("a parameter of the check is missing"));
    }
    let challenge_index = names.iter().position(|n| n == &challenge_name).unwrap_or(0);
    let challenge = values[challenge_index].take().unwrap_or_default();
    if let EndpointCheck::VerifyToken { .. } = check {
        if values[0].as_deref() != Some(SUBSCRIBE) {
            return Err(not_the_check("the mode is not `subscribe`"));
        }
        if !is_echoable(&challenge) {
            return Err(EndpointCheckError::InvalidChallenge { provider });
        }
        let Some(expected) = verify_token else {
            return Err(EndpointCheckError::NoVerifyToken {
                provider,
                type_name,
            });
        };
        let given = zeroize::Zeroizing::new(values[2].take().unwrap_or_default());
        if !tokens_match(given.as_bytes(), expected.as_bytes()) {
            return Err(EndpointCheckError::WrongVerifyToken { provider });
        }
    } else if !is_echoable(&challenge) {
        return Err(EndpointCheckError::InvalidChallenge { provider });
    }
    Ok(HandshakeAnswer {
        content_type: "text/plain",
        body: challenge.into_bytes(),
    })
}

/// Whether `challenge` may be echoed: 1 to [`MAX_CHALLENGE_LEN`] URL
/// unreserved characters.
fn is_echoable(challenge: &str) -> bool {
    (1..=MAX_CHALLENGE_LEN).contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// Whether two tokens are equal, in constant time: their SHA-256 digests
/// are compared with `subtle`.
fn tokens_match(given: &[u8], expected: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    Sha256::digest(given)
        .as_slice()
        .ct_eq(Sha256::digest(expected).as_slice())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: EndpointCheck = EndpointCheck::VerifyToken {
        mode: "hub.mode",
        challenge: "hub.challenge",
        token: "hub.verify_token",
    };
    const DROPBOX: EndpointCheck = EndpointCheck::Echo {
        challenge: "challenge",
    };

    fn meta(query: &str, token: Option<&str>) -> Result<Vec<u8>, &'static str> {
        answer_endpoint_check(META, "meta", "Meta", Some(query), token)
            .map(|answer| answer.body)
            .map_err(|error| error.code())
    }

    fn dropbox(query: Option<&str>) -> Result<Vec<u8>, &'static str> {
        answer_endpoint_check(DROPBOX, "dropbox", "Dropbox", query, None)
            .map(|answer| answer.body)
            .map_err(|error| error.code())
    }

    #[test]
    fn meta_is_answered_only_with_the_configured_token() {
        let query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
        assert_eq!(
            meta(query, Some("meatyhamhock")),
            Ok(b"1158201444".to_vec())
        );
        assert_eq!(
            meta(query, Some("meatyhamhocks")),
            Err("verify_token_refused")
        );
        assert_eq!(meta(query, None), Err("verify_token_refused"));
        // Percent-escapes are decoded, as Meta's form encoding writes them.
        let spaced = "hub.mode=subscribe&hub.challenge=1&hub.verify_token=a%20b+c";
        assert_eq!(meta(spaced, Some("a b c")), Ok(b"1".to_vec()));
        for (query, code) in [
            (
                "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=t",
                "not_an_endpoint_check",
            ),
            (
                "hub.challenge=1&hub.verify_token=t",
                "not_an_endpoint_check",
            ),
            (
                "hub.mode=subscribe&hub.challenge=1&hub.challenge=2&hub.verify_token=t",
                "not_an_endpoint_check",
            ),
            (
                "hub.mode=subscribe&hub.challenge=%3Cb%3E&hub.verify_token=t",
                "invalid_challenge",
            ),
            (
                "hub.mode=subscribe&hub.challenge=&hub.verify_token=t",
                "invalid_challenge",
            ),
            ("hub.mode=subscribe&hub.challenge=1", "verify_token_refused"),
            (
                "hub.mode=subscribe&hub.challenge=1&hub.verify_token=",
                "verify_token_refused",
            ),
        ] {
            assert_eq!(meta(query, Some("t")), Err(code), "{query}");
        }
        // The registered URL's own parameters are ignored.
        assert_eq!(
            meta(
                "x=1&hub.mode=subscribe&hub.challenge=1&hub.verify_token=t",
                Some("t")
            ),
            Ok(b"1".to_vec())
        );
    }

    #[test]
    fn dropbox_challenges_are_echoed_within_bounds() {
        assert_eq!(dropbox(Some("challenge=abc123")), Ok(b"abc123".to_vec()));
        let longest = format!("challenge={}", "a".repeat(MAX_CHALLENGE_LEN));
        assert_eq!(
            dropbox(Some(&longest)).map(|b| b.len()),
            Ok(MAX_CHALLENGE_LEN)
        );
        let over = format!("challenge={}", "a".repeat(MAX_CHALLENGE_LEN + 1));
        assert_eq!(dropbox(Some(&over)), Err("invalid_challenge"));
        for bad in [
            "challenge=a+b",
            "challenge=%3Cscript%3E",
            "challenge=%FF",
            "challenge=a/b",
        ] {
            assert_eq!(dropbox(Some(bad)), Err("invalid_challenge"), "{bad}");
        }
        assert_eq!(dropbox(None), Err("not_an_endpoint_check"));
        assert_eq!(dropbox(Some("")), Err("not_an_endpoint_check"));
        // The registered URL's own parameters are kept by the provider,
        // before or after the check's, and ignored.
        assert_eq!(
            dropbox(Some("tenant=acme&challenge=abc")),
            Ok(b"abc".to_vec())
        );
        assert_eq!(dropbox(Some("challenge=a&other=b")), Ok(b"a".to_vec()));
        assert_eq!(dropbox(Some("tenant=acme")), Err("not_an_endpoint_check"));
    }
}
