//! Mirrors of `UnleeshedEvent`'s `creator.approved` shape, to measure what
//! the public (owned) event types cost: one that borrows, one decoded by a
//! plain derive. Included by path by the benches that use them.

/// A mirror of `UnleeshedEvent`'s `creator.approved` shape that borrows its
/// strings from the body where JSON allows (no escapes), to measure what
/// borrowing would save. Same fields, same flattened extras.
#[allow(dead_code)] // the fields are only written, by the decoder
pub mod borrowed {
    use std::borrow::Cow;

    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Event<'a> {
        #[serde(borrow)]
        pub id: Cow<'a, str>,
        #[serde(rename = "type", borrow)]
        pub event_type: Cow<'a, str>,
        #[serde(borrow)]
        pub created_at: Cow<'a, str>,
        #[serde(borrow)]
        pub data: Approved<'a>,
    }

    #[derive(Deserialize)]
    pub struct Approved<'a> {
        #[serde(borrow)]
        pub external_reference: Cow<'a, str>,
        #[serde(borrow, default)]
        pub commentary: Option<Cow<'a, str>>,
        #[serde(default)]
        pub metadata: Option<serde_json::Value>,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }
}

/// The same shape, owned, decoded by plain `derive(Deserialize)` with no
/// flattened extras: what the custom envelope visitor and `flatten` cost.
#[allow(dead_code)] // the fields are only written, by the decoder
pub mod plain {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Event {
        pub id: String,
        #[serde(rename = "type")]
        pub event_type: String,
        pub created_at: String,
        pub data: Approved,
    }

    #[derive(Deserialize)]
    pub struct Approved {
        pub external_reference: String,
        #[serde(default)]
        pub commentary: Option<serde_json::Value>,
        #[serde(default)]
        pub metadata: Option<serde_json::Value>,
    }
}
