//! The names of deliveries: [`DeliveryKey`], what a verification says names
//! a delivery, and [`Key`], its name in a store, scoped by endpoint.

use std::any::TypeId;
use std::fmt;

use super::Window;
use crate::providers::Retries;

/// What names a verified delivery for duplicate detection, made only by a
/// verification ([`Verifier::verify_with_key`](crate::Verifier::verify_with_key),
/// and the extractors) from what the provider signed: `stripe:id:evt_1`,
/// `standard-webhooks:id:msg_…`, `github:sha256:<hex of the signed content>`.
/// An unsigned header (`X-GitHub-Delivery`) is never part of it, since
/// whoever replays a request can change one.
///
/// It carries what a store needs besides: the delivery's [`Window`] and
/// how its provider redelivers ([`Retries`]).
#[derive(Clone)]
pub struct DeliveryKey {
    text: String,
    window: Window,
    retries: Retries,
    provider_type: TypeId,
}

impl DeliveryKey {
    /// Made by a verification of `P`'s delivery: `id` is what names it
    /// within the provider (`id:evt_1`, `sha256:…`).
    pub(crate) fn new<P: crate::Provider>(id: &str, window: Window) -> Self {
        DeliveryKey {
            text: format!("{}:{id}", P::NAME),
            window,
            retries: P::RETRIES,
            provider_type: TypeId::of::<P>(),
        }
    }

    /// The key as text: the provider's name, then what names the delivery.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The provider's name ([`Provider::NAME`](crate::Provider::NAME)).
    pub fn provider(&self) -> &str {
        self.text
            .split_once(':')
            .map_or("", |(provider, _)| provider)
    }

    /// How long the delivery's signed time passes the verifier.
    pub fn window(&self) -> Window {
        self.window
    }

    /// How the delivery's provider redelivers.
    pub fn retries(&self) -> Retries {
        self.retries
    }

    pub(crate) fn provider_type(&self) -> TypeId {
        self.provider_type
    }
}

impl fmt::Display for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryKey")
            .field("key", &self.text)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl PartialEq for DeliveryKey {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.window == other.window
    }
}

impl Eq for DeliveryKey {}

impl PartialEq<str> for DeliveryKey {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for DeliveryKey {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// A delivery's name in a store: the endpoint it came to and its provider
/// (together, the *partition*: a bounded store counts its room per
/// partition), then what names the delivery.
///
/// The deduplicator builds it as `{endpoint}:{provider}:{id}`, for example
/// `/webhooks/stripe:stripe:id:evt_1`, with `{namespace}@` before the
/// endpoint when [namespaced](super::Deduplicator::namespaced); `%`, `:`
/// and `@` inside a namespace or an endpoint are percent-encoded, so two
/// different deliveries never share a key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    text: String,
    partition: usize,
}

impl Key {
    /// The key of the delivery named `id` in `partition`: for the tests of
    /// a store of your own. The deduplicator builds its keys itself.
    pub fn new(partition: &str, id: &str) -> Key {
        Key {
            text: format!("{partition}:{id}"),
            partition: partition.len(),
        }
    }

    /// The key of `delivery` at `endpoint`, in `namespace` (empty for none).
    pub(crate) fn of(namespace: &str, endpoint: &str, delivery: &DeliveryKey) -> Key {
        let mut text =
            String::with_capacity(namespace.len() + endpoint.len() + delivery.as_str().len() + 2);
        if !namespace.is_empty() {
            escape_into(&mut text, namespace);
            text.push('@');
        }
        escape_into(&mut text, endpoint);
        text.push(':');
        text.push_str(delivery.provider());
        let partition = text.len();
        text.push_str(&delivery.as_str()[delivery.provider().len()..]);
        Key { text, partition }
    }

    /// The whole key.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The endpoint and provider: what a bounded store counts its room by.
    pub fn partition(&self) -> &str {
        &self.text[..self.partition]
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

/// Appends `part` with `%`, `:` and `@` percent-encoded: the separators of
/// a key never appear inside its parts.
fn escape_into(out: &mut String, part: &str) {
    for c in part.chars() {
        match c {
            '%' => out.push_str("%25"),
            ':' => out.push_str("%3A"),
            '@' => out.push_str("%40"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(id: &str) -> DeliveryKey {
        DeliveryKey::new::<crate::Stripe>(id, Window::unbounded())
    }

    #[test]
    fn a_key_names_the_endpoint_the_provider_and_the_delivery() {
        let key = Key::of("", "/webhooks/stripe", &delivery("id:evt_1"));
        assert_eq!(key.as_str(), "/webhooks/stripe:stripe:id:evt_1");
        assert_eq!(key.partition(), "/webhooks/stripe:stripe");
        let key = Key::of("tenant-7", "/webhooks/stripe", &delivery("id:evt_1"));
        assert_eq!(key.as_str(), "tenant-7@/webhooks/stripe:stripe:id:evt_1");
        assert_eq!(key.partition(), "tenant-7@/webhooks/stripe:stripe");
    }

    /// Parts that contain the separators cannot make two deliveries share a
    /// key: each pair here would collide if they were written as they are.
    #[test]
    fn separators_inside_the_parts_are_escaped() {
        let pairs = [
            (("", "/a:stripe:id:x"), ("", "/a")),
            (("a", "/b"), ("", "a@/b")),
            (("a@b", "/c"), ("a", "b@/c")),
            (("", "/a%3A"), ("", "/a:")),
        ];
        for ((ns1, ep1), (ns2, ep2)) in pairs {
            let one = Key::of(ns1, ep1, &delivery("id:x"));
            let two = Key::of(ns2, ep2, &delivery("id:x"));
            assert_ne!(one, two, "{one} / {two}");
            assert_ne!(one.partition(), two.partition());
        }
        assert_eq!(
            Key::of("n:1", "/a@b", &delivery("id:x")).as_str(),
            "n%3A1@/a%40b:stripe:id:x"
        );
    }
}
