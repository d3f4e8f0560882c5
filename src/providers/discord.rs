//! Discord interactions: how they are signed, how they are delivered, and
//! their light typed event.
//!
//! An application with an Interactions Endpoint URL receives each slash
//! command, button press, autocomplete and modal as a signed POST, and a
//! signed PING (`{"type":1}`) that it must answer `{"type":1}` (PONG): the
//! axum and actix-web extractors answer it themselves. Discord also sends
//! deliberately invalid signatures to check that the endpoint refuses them
//! (401), and removes endpoints that accept them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::error::Error;
use crate::handshake::Handshake;
use crate::scheme::{Algorithm, BodyShape, DeliveryId, Encoding, Part, Scheme, SecretFormat};

/// Discord interactions: `X-Signature-Ed25519: <hex>`, the Ed25519
/// signature of `"{X-Signature-Timestamp}{body}"` (nothing between), under
/// the application's public key as the Developer Portal shows it (64 hex
/// digits; feature `ed25519`); events [`DiscordInteraction`].
///
/// Discord documents no window for its signed timestamp, and its SDKs check
/// none; the preset bounds it to the crate's 300 s, past or future, so a
/// captured interaction stops verifying (widen it with
/// `Verifier::with_tolerance` if your clock drifts). Duplicates are
/// recognised by the interaction's signed `id` (a body without one, the
/// bare `{"type":1}` PING, by its SHA-256).
///
/// ```
/// use signed_webhooks::{Discord, Signer, Verifier};
///
/// // The application's public key, as the Developer Portal shows it; the
/// // private seed signs, for tests (Discord keeps the real one).
/// let public_key = "a968e5e34c12a9448b6b205d873461cc2a99cae1ac12565562fd324f70211374";
/// let seed = "521b7f17ce2ce24abfb2fde2036512736179d1604230222d9a11258958ad30cb";
/// let body = br#"{"id":"1287402967823593523","type":2,"application_id":"1281634752438747218","token":"aW50","data":{"name":"greet"}}"#;
/// let headers = Signer::<Discord>::new(seed)?.sign_at(body, 1_790_000_000);
/// let verifier = Verifier::<Discord>::new(public_key)?;
/// verifier.verify_at(&headers, body, 1_790_000_001)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Discord;

impl Provider for Discord {
    const NAME: &'static str = "discord";
    type Event = DiscordInteraction;
    fn scheme() -> Scheme {
        Scheme::body("x-signature-ed25519")
            .with_algorithm(Algorithm::Ed25519)
            .with_encoding(Encoding::Hex)
            .with_secret_format(SecretFormat::Hex)
            .with_timestamp_header("x-signature-timestamp")
            // Digits run into the body: it must be a JSON object.
            .with_signed_content([Part::Timestamp, Part::Body])
            .with_body_shape(BodyShape::JsonContainer)
            .with_delivery_id(DeliveryId::BodyFieldOrBody("id"))
    }
    fn handshake(body: &[u8]) -> Result<Option<Handshake>, Error> {
        #[derive(Deserialize)]
        struct Kind {
            #[serde(rename = "type")]
            kind: Option<Value>,
        }
        // A body that is not a JSON object is no PING (serde would read a
        // struct from an array too); its decoding as an interaction says
        // what is wrong with it.
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Ok(None);
        }
        let Ok(Kind { kind }) = serde_json::from_slice::<Kind>(body) else {
            return Ok(None);
        };
        Ok((kind == Some(Value::from(1))).then_some(Handshake::Json(r#"{"type":1}"#)))
    }
    const RETRIES: Retries = Retries::Never {
        by_hand: None,
        source: "Discord's interactions docs (\"Receiving and Responding\", as quoted by its SDKs \
                 and others; the page is not in the store): an interaction is not redelivered, \
                 it must be answered within 3 s or it fails for the user",
    };
}

/// An interaction, as Discord sends it: `{ "id", "application_id", "type",
/// "data"?, "guild_id"?, "channel_id"?, "member"?, "user"?, "token",
/// "version", … }`. Every field but `type` may be missing (the bare PING
/// is `{"type":1}`); fields this crate does not model are kept in
/// [`extra`](Self::extra).
///
/// ```
/// use signed_webhooks::{decode_event, DiscordInteraction, InteractionType};
///
/// let body = br#"{"id":"1287402967823593523","application_id":"1281634752438747218","type":2,
///     "token":"aW50","data":{"name":"greet"},"guild_id":"1281634975983374356"}"#;
/// let interaction: DiscordInteraction = decode_event(body)?;
/// assert_eq!(interaction.kind, InteractionType::ApplicationCommand);
/// assert_eq!(interaction.data["name"], "greet");
/// assert_eq!(interaction.extra["guild_id"], "1281634975983374356");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiscordInteraction {
    /// The interaction's id (a snowflake, as text).
    #[serde(default)]
    pub id: String,
    /// The application it is for.
    #[serde(default)]
    pub application_id: String,
    /// What kind of interaction it is.
    #[serde(rename = "type")]
    pub kind: InteractionType,
    /// The token to answer with later (follow-up messages), valid 15
    /// minutes.
    #[serde(default)]
    pub token: String,
    /// The command, component or modal's data, as sent (null for a PING).
    #[serde(default)]
    pub data: Value,
    /// Fields this crate does not model (`guild_id`, `member`, `user`,
    /// `version`, …), kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An interaction's `type`. A type Discord adds later is
/// [`Other`](Self::Other), with its number: it never fails decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InteractionType {
    /// 1: Discord checking the endpoint, answered `{"type":1}`.
    Ping,
    /// 2: a slash command, user or message command.
    ApplicationCommand,
    /// 3: a button press or a select menu choice.
    MessageComponent,
    /// 4: autocompletion of a command option.
    ApplicationCommandAutocomplete,
    /// 5: a modal submitted.
    ModalSubmit,
    /// Another type, by its number.
    Other(u64),
}

impl InteractionType {
    /// The type's number, as Discord writes it.
    pub fn number(self) -> u64 {
        match self {
            InteractionType::Ping => 1,
            InteractionType::ApplicationCommand => 2,
            InteractionType::MessageComponent => 3,
            InteractionType::ApplicationCommandAutocomplete => 4,
            InteractionType::ModalSubmit => 5,
            InteractionType::Other(number) => number,
        }
    }
}

impl From<u64> for InteractionType {
    fn from(number: u64) -> Self {
        match number {
            1 => InteractionType::Ping,
            2 => InteractionType::ApplicationCommand,
            3 => InteractionType::MessageComponent,
            4 => InteractionType::ApplicationCommandAutocomplete,
            5 => InteractionType::ModalSubmit,
            other => InteractionType::Other(other),
        }
    }
}

impl Serialize for InteractionType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.number())
    }
}

impl<'de> Deserialize<'de> for InteractionType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        u64::deserialize(deserializer).map(InteractionType::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_ping_is_a_handshake() {
        let pong = Some(Handshake::Json(r#"{"type":1}"#));
        assert_eq!(Discord::handshake(br#"{"type":1}"#).unwrap(), pong);
        assert_eq!(
            Discord::handshake(br#"{"id":"1","type":1,"version":1}"#).unwrap(),
            pong
        );
        // A command whose data has a `type` 1 is not a PING.
        assert_eq!(
            Discord::handshake(br#"{"type":2,"data":{"type":1}}"#).unwrap(),
            None
        );
        assert_eq!(Discord::handshake(br#"{"type":"1"}"#).unwrap(), None);
        assert_eq!(Discord::handshake(b"[1]").unwrap(), None);
        assert_eq!(Discord::handshake(b"not json").unwrap(), None);
    }

    #[test]
    fn unknown_types_and_fields_decode() {
        let interaction: DiscordInteraction =
            crate::decode_event(br#"{"type":99,"id":"7","new_field":{"a":1}}"#).unwrap();
        assert_eq!(interaction.kind, InteractionType::Other(99));
        assert_eq!(interaction.kind.number(), 99);
        assert_eq!(interaction.extra["new_field"]["a"], 1);
        let ping: DiscordInteraction = crate::decode_event(br#"{"type":1}"#).unwrap();
        assert_eq!(ping.kind, InteractionType::Ping);
        assert!(ping.data.is_null());
        for number in 1..=5 {
            assert_eq!(InteractionType::from(number).number(), number);
        }
    }
}
