//! Key pairs for the public-key providers (Discord, SendGrid), made for
//! one run of `sign` or `send` when no private key is set: the private
//! key from the OS's randomness (`getrandom`), the public key and the
//! encodings by the maintained libraries (`ed25519-dalek`, RustCrypto's
//! `p256`). Never written anywhere; the public key is printed so that the
//! receiver can be configured with it.

use base64ct::Encoding as _;
use zeroize::Zeroizing;

use crate::provider::Kind;

/// A key pair in the provider's text forms: the private key as `sign`
/// reads it, the public key as `verify` does.
pub struct KeyPair {
    pub private: Zeroizing<String>,
    pub public: String,
}

/// 32 random bytes, wiped on drop.
fn random_32() -> Result<Zeroizing<[u8; 32]>, String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut bytes[..]).map_err(|e| format!("no randomness for a key pair: {e}"))?;
    Ok(bytes)
}

/// A fresh key pair of `kind`'s algorithm: Discord's hex Ed25519 seed
/// and public key, SendGrid's base64 PKCS#8 and SubjectPublicKeyInfo DER.
/// `None` for a provider that keys an HMAC.
pub fn generate(kind: Kind) -> Option<Result<KeyPair, String>> {
    match kind {
        Kind::Discord => Some(random_32().map(|seed| {
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            KeyPair {
                private: Zeroizing::new(hex::encode(&seed[..])),
                public: hex::encode(key.verifying_key().to_bytes()),
            }
        })),
        Kind::SendGrid => Some(p256_pair()),
        _ => None,
    }
}

fn p256_pair() -> Result<KeyPair, String> {
    use p256::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
    // A random 32 bytes is a valid scalar but with odds of about 2^-32 (0
    // or at least the group's order): draw again then.
    for _ in 0..8 {
        let bytes = random_32()?;
        let Ok(key) = p256::ecdsa::SigningKey::from_slice(&bytes[..]) else {
            continue;
        };
        let private = key
            .to_pkcs8_der()
            .map_err(|e| format!("encoding the private key: {e}"))?;
        let public = key
            .verifying_key()
            .to_public_key_der()
            .map_err(|e| format!("encoding the public key: {e}"))?;
        return Ok(KeyPair {
            private: Zeroizing::new(base64ct::Base64::encode_string(private.as_bytes())),
            public: base64ct::Base64::encode_string(public.as_bytes()),
        });
    }
    Err("no valid P-256 private key drawn".to_owned())
}
