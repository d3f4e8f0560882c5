//! Webhook secrets, and the HMAC keys derived from them.

use std::fmt;

use sha2::block_api::compress256;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::SecretError;
use crate::header::TAG_LEN;

/// The shortest secret accepted, in bytes.
///
/// Providers issue `whsec_…` secrets, 64-hex-character keys, or custom
/// secrets of 32 characters or more; anything shorter is almost always a
/// truncated copy.
pub const MIN_SECRET_LEN: usize = 32;

/// A webhook signing secret, exactly as the provider issued it.
///
/// The secret's bytes are the HMAC key: a `whsec_` prefix is part of the key
/// and nothing is base64-decoded. The memory holding the secret is wiped
/// when the value is dropped, and neither `Debug` nor any error ever shows
/// it.
///
/// You rarely build one yourself: [`Verifier::new`](crate::Verifier::new)
/// and [`Signer::new`](crate::Signer::new) take anything that converts into
/// a `Secret` (`String`, `&str`). Passing an owned `String` lets the crate
/// wipe that very buffer.
///
/// ```
/// use signed_webhooks::Secret;
///
/// let secret = Secret::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Checks that the secret looks like one a provider issued.
    ///
    /// # Errors
    ///
    /// [`SecretError`] when the secret is empty or blank, has leading or
    /// trailing whitespace, is wrapped in quotes, or is shorter than
    /// [`MIN_SECRET_LEN`].
    pub fn validate(&self) -> Result<(), SecretError> {
        let s = self.0.as_str();
        if s.trim().is_empty() {
            return Err(SecretError::Empty);
        }
        if s.trim() != s {
            return Err(SecretError::SurroundingWhitespace);
        }
        let b = s.as_bytes();
        if b.len() >= 2 && b[0] == b[b.len() - 1] && matches!(b[0], b'"' | b'\'') {
            return Err(SecretError::Quoted);
        }
        if b.len() < MIN_SECRET_LEN {
            return Err(SecretError::TooShort {
                len: b.len(),
                min: MIN_SECRET_LEN,
            });
        }
        Ok(())
    }

    /// Validates the secret and derives its HMAC key; the secret itself is
    /// then dropped (and wiped).
    pub(crate) fn into_key(self) -> Result<SigningKey, SecretError> {
        self.validate()?;
        Ok(SigningKey::new(self.0.as_bytes()))
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Secret(Zeroizing::new(secret))
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Secret::from(secret.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(secret: &String) -> Self {
        Secret::from(secret.as_str())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// HMAC-SHA256 (RFC 2104) keyed once with a secret: the SHA-256 states
/// after absorbing the key block XORed with `ipad` and with `opad`.
///
/// Each message starts from a copy of those two 32-byte states, so keying
/// (two compressions) is paid once. The states are kept by hand with
/// `sha2`'s compression function rather than in `hmac::Hmac`: on SHA-NI
/// hardware that saves about 60 ns per message at 256 B (see
/// BENCHMARKS.md), a fifth of the whole HMAC. The conformance vectors
/// (`tests/conformance.rs`, computed with Python's `hmac`) and a test
/// against the `hmac` crate check the result.
///
/// The states are derived from the secret and as sensitive: they are wiped
/// on drop, as is every per-message copy.
#[derive(Clone)]
pub(crate) struct SigningKey {
    inner: Zeroizing<[u32; 8]>,
    outer: Zeroizing<[u32; 8]>,
}

/// SHA-256's block size in bytes.
const BLOCK: usize = 64;

/// SHA-256's initial hash value (FIPS 180-4, section 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

impl SigningKey {
    fn new(secret: &[u8]) -> Self {
        // A key longer than a block is hashed first; a shorter one is padded
        // with zeros to a block.
        let mut key = Zeroizing::new([0u8; BLOCK]);
        if secret.len() > BLOCK {
            // Hashed straight into the wiped buffer: the digest is the key.
            let out: &mut sha2::digest::Output<Sha256> = (&mut key[..TAG_LEN])
                .try_into()
                .unwrap_or_else(|_| unreachable!("a SHA-256 digest is 32 bytes"));
            Sha256::new_with_prefix(secret).finalize_into(out);
        } else {
            key[..secret.len()].copy_from_slice(secret);
        }
        let keyed = |pad: u8| {
            let mut block = Zeroizing::new([0u8; BLOCK]);
            for (out, byte) in block.iter_mut().zip(key.iter()) {
                *out = byte ^ pad;
            }
            let mut state = Zeroizing::new(SHA256_IV);
            compress256(&mut state, std::slice::from_ref(&*block));
            state
        };
        SigningKey {
            inner: keyed(0x36),
            outer: keyed(0x5c),
        }
    }

    /// The tag of the signed message `"{timestamp}.{body}"`.
    ///
    /// A short message (a body up to about 300 bytes) is assembled with its
    /// padding in one buffer on the stack and compressed in one call; a
    /// longer one is hashed in parts, its whole blocks compressed where they
    /// lie, so it is never copied.
    pub(crate) fn tag(&self, timestamp_digits: &[u8], body: &[u8]) -> [u8; TAG_LEN] {
        let inner = if timestamp_digits.len() + 1 + body.len() + PADDING <= SHORT {
            self.inner_hash_short(timestamp_digits, body)
        } else {
            let mut inner = Stream::new(&self.inner);
            inner.update(timestamp_digits);
            inner.update(b".");
            inner.update(body);
            inner.finish()
        };
        // The outer hash: one block, the inner hash and its padding.
        let mut block = [0u8; BLOCK];
        write_be_words(&mut block[..TAG_LEN], &inner);
        block[TAG_LEN] = 0x80;
        block[BLOCK - 8..].copy_from_slice(&bit_len(BLOCK + TAG_LEN));
        let mut outer = self.outer.clone();
        compress256(&mut outer, &[block]);
        let mut tag = [0u8; TAG_LEN];
        write_be_words(&mut tag, &outer);
        tag
    }

    /// The inner hash of a message that fits in [`SHORT`] bytes with its
    /// padding: one copy, one call to the compression function.
    fn inner_hash_short(&self, timestamp_digits: &[u8], body: &[u8]) -> Zeroizing<[u32; 8]> {
        let mut buffer = [0u8; SHORT];
        let dot = timestamp_digits.len();
        let len = dot + 1 + body.len();
        buffer[..dot].copy_from_slice(timestamp_digits);
        buffer[dot] = b'.';
        buffer[dot + 1..len].copy_from_slice(body);
        buffer[len] = 0x80;
        let end = (len + PADDING).next_multiple_of(BLOCK);
        buffer[end - 8..end].copy_from_slice(&bit_len(BLOCK + len));
        let mut state = self.inner.clone();
        compress256(&mut state, &buffer.as_chunks::<BLOCK>().0[..end / BLOCK]);
        state
    }
}

/// SHA-256's padding takes at least this many bytes: `0x80` and the length.
const PADDING: usize = 9;

/// Messages (with their padding) up to this size are hashed in one call:
/// five blocks, a 256-byte body with its timestamp.
const SHORT: usize = 5 * BLOCK;

/// The length field of SHA-256's padding: the message length in bits, as a
/// big-endian `u64` (FIPS 180-4, section 5.1.1).
fn bit_len(bytes: usize) -> [u8; 8] {
    (bytes as u64 * 8).to_be_bytes()
}

/// Writes SHA-256 state words as the big-endian bytes of a hash.
fn write_be_words(out: &mut [u8], words: &[u32; 8]) {
    for (bytes, word) in out.as_chunks_mut::<4>().0.iter_mut().zip(words) {
        *bytes = word.to_be_bytes();
    }
}

/// SHA-256 of a message given in parts, continuing from a keyed state (one
/// block already absorbed).
///
/// Whole blocks are compressed where they lie in the caller's buffer; only
/// the bytes that straddle two parts and the final partial block are copied,
/// into one block on the stack.
struct Stream {
    state: Zeroizing<[u32; 8]>,
    block: [u8; BLOCK],
    /// How many bytes of `block` hold message data.
    filled: usize,
    /// The message length so far in bytes, counting the key block.
    len: usize,
}

impl Stream {
    fn new(keyed: &Zeroizing<[u32; 8]>) -> Self {
        Stream {
            state: keyed.clone(),
            block: [0; BLOCK],
            filled: 0,
            len: BLOCK,
        }
    }

    #[inline]
    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len();
        if self.filled > 0 {
            let take = data.len().min(BLOCK - self.filled);
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < BLOCK {
                return;
            }
            compress256(&mut self.state, &[self.block]);
            self.filled = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        if !blocks.is_empty() {
            compress256(&mut self.state, blocks);
        }
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// Pads the message (`0x80`, zeros, the length) and returns the final
    /// state: the hash, as words.
    #[inline]
    fn finish(mut self) -> Zeroizing<[u32; 8]> {
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled + PADDING > BLOCK {
            compress256(&mut self.state, &[self.block]);
            self.block = [0; BLOCK];
        }
        self.block[BLOCK - 8..].copy_from_slice(&bit_len(self.len));
        compress256(&mut self.state, &[self.block]);
        self.state
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), SecretError> {
        Secret::from(s).validate()
    }

    #[test]
    fn accepts_the_shapes_providers_issue() {
        check("whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f").unwrap();
        check("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2").unwrap();
        check("my custom secret of thirty-two chars").unwrap();
    }

    #[test]
    fn refuses_copy_paste_mistakes() {
        let good = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
        assert_eq!(check(""), Err(SecretError::Empty));
        assert_eq!(check(" \n\t"), Err(SecretError::Empty));
        assert_eq!(
            check(&format!("{good}\n")),
            Err(SecretError::SurroundingWhitespace)
        );
        assert_eq!(
            check(&format!(" {good}")),
            Err(SecretError::SurroundingWhitespace)
        );
        assert_eq!(check(&format!("\"{good}\"")), Err(SecretError::Quoted));
        assert_eq!(check(&format!("'{good}'")), Err(SecretError::Quoted));
        assert_eq!(
            check("whsec_short"),
            Err(SecretError::TooShort { len: 11, min: 32 })
        );
    }

    #[test]
    fn keyed_state_is_wiped_on_drop() {
        // A key is its two keyed SHA-256 states and nothing else; a message
        // in progress holds a copy of one of them. Each wipes itself.
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<Zeroizing<[u32; 8]>>();
        wiped_on_drop::<Zeroizing<String>>();
        type Wiped = Zeroizing<[u32; 8]>;
        let _: fn(&SigningKey) -> [&Wiped; 2] = |key| [&key.inner, &key.outer];
        let _: fn(&Stream) -> &Wiped = |stream| &stream.state;
    }

    /// The hand-kept states against the `hmac` crate, on every length of
    /// key and body around the block boundaries, and every way the message
    /// can straddle them.
    #[test]
    fn tags_match_the_hmac_crate() {
        use hmac::{Hmac, KeyInit, Mac};
        let bytes: Vec<u8> = (0..1100u32).map(|i| (i * 31 + 7) as u8).collect();
        for key_len in [1, 32, 63, 64, 65, 100, 200] {
            let secret = &bytes[..key_len];
            let key = SigningKey::new(secret);
            for digits_len in [0, 1, 10, 19, 20, 63, 64, 70, 130] {
                let digits = &bytes[100..100 + digits_len];
                for body_len in (0..=320).chain([1000]) {
                    let body = &bytes[..body_len];
                    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
                    mac.update(digits);
                    mac.update(b".");
                    mac.update(body);
                    let expected: [u8; TAG_LEN] = mac.finalize().into_bytes().into();
                    assert_eq!(
                        key.tag(digits, body),
                        expected,
                        "key {key_len}, digits {digits_len}, body {body_len}"
                    );
                }
            }
        }
    }
}
