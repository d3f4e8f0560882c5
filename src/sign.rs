//! The [`Signer`]: produces the header a provider sends, for tests and tools.

use std::fmt;

use crate::error::{Error, SecretError};
use crate::header::MAX_SIGNATURES;
use crate::secret::{Secret, SigningKey};
use crate::verify::{keys_from_secrets, unix_now};

/// Signs bodies the way the provider does, producing the exact value of its
/// signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
///
/// Use it in your own tests to send your receiver deliveries it must
/// accept (or, tampered with, refuse).
///
/// ```
/// use signed_webhooks::Signer;
///
/// let signer = Signer::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let header = signer.sign_at(br#"{"id":"evt_1"}"#, 1_790_000_000);
/// assert!(header.starts_with("t=1790000000,v1="));
/// assert_eq!(header.len(), "t=1790000000,v1=".len() + 64);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    keys: Box<[SigningKey]>,
}

impl Signer {
    /// A signer for one secret.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] under the same rules as
    /// [`Verifier::new`](crate::Verifier::new).
    pub fn new(secret: impl Into<Secret>) -> Result<Self, Error> {
        Self::from_secrets([secret])
    }

    /// A signer that signs with several secrets at once, one `v1=` entry per
    /// secret in order, as a provider does while a secret is being rotated.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when the list is empty, any secret is
    /// invalid, or there are more than [`MAX_SIGNATURES`] secrets
    /// ([`SecretError::TooMany`](crate::SecretError::TooMany)): a header
    /// carries at most that many signatures.
    pub fn from_secrets<I>(secrets: I) -> Result<Self, Error>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        let keys = keys_from_secrets(secrets)?;
        if keys.len() > MAX_SIGNATURES {
            return Err(SecretError::TooMany {
                count: keys.len(),
                max: MAX_SIGNATURES,
            }
            .into());
        }
        Ok(Signer { keys })
    }

    /// The header value for `body` signed now.
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_at(body, unix_now())
    }

    /// The header value for `body` signed at `unix_secs`.
    ///
    /// Any `i64` is signed as given, so a test can also produce headers a
    /// verifier must refuse (a negative timestamp, for one).
    pub fn sign_at(&self, body: &[u8], unix_secs: i64) -> String {
        let digits = unix_secs.to_string();
        let mut header = String::with_capacity(digits.len() + 2 + self.keys.len() * 68);
        header.push_str("t=");
        header.push_str(&digits);
        for key in self.keys.iter() {
            header.push_str(",v1=");
            header.push_str(&hex::encode(key.tag(&[digits.as_bytes(), b".", body])));
        }
        header
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("secrets", &self.keys.len())
            .finish()
    }
}
