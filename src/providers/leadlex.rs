//! LeadLex: how it signs, how it delivers, and its events.
//!
//! Its events: contacts, companies, deals, lists, campaigns,
//! activities and tasks.
//!
//! The envelope is `{ "event", "timestamp", "workspace_id", "data" }`, with
//! no event id: LeadLex's `X-LeadLex-Delivery-ID` header changes on every
//! attempt, so a retry cannot be told from a new event by it. The event
//! names are the ones LeadLex's webhook documentation lists (it announces
//! 28 and lists 27). LeadLex does not publish its payloads beyond an example
//! (`{"contact": {…}}`), so `data` stays JSON, except for the `*.bulk_*`
//! events, whose `data` the documentation describes as an array plus a
//! count: [`LeadLexBulk`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::event::envelope::{define_envelope, event_family};
use crate::scheme::Scheme;
use std::time::Duration;

/// LeadLex: `X-LeadLex-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
/// body keyed with the `whsec_…` secret as issued; events [`LeadLexEvent`].
///
/// LeadLex's `X-LeadLex-Timestamp` header is not signed and its bodies
/// carry no id, so a replay is bounded by the body's `timestamp` (a
/// delivery more than 72 hours after it is refused: LeadLex does not
/// publish its retry schedule), and duplicates are recognised by the signed
/// content. `X-LeadLex-Delivery-ID` is unsigned and never used.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadLex;

impl Provider for LeadLex {
    const NAME: &'static str = "leadlex";
    type Event = LeadLexEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-leadlex-signature")
            .with_prefix("sha256=")
            .with_body_timestamp("timestamp", Duration::from_secs(72 * 3600))
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "LeadLex's docs say \"exponential backoff\" and publish neither the waits nor how \
                 long it keeps trying",
    };
}

define_envelope! {
    /// One LeadLex event: the envelope around a payload `T` (JSON unless you
    /// decode into a type of your own).
    ///
    /// `event`, `timestamp` and `workspace_id` are required, as LeadLex
    /// documents them; fields this crate does not model are kept in
    /// [`extra`](LeadLexEnvelope::extra).
    ///
    /// ```
    /// use signed_webhooks::decode_event;
    /// use signed_webhooks::event::LeadLexEnvelope;
    ///
    /// let body = br#"{"event":"contact.created","timestamp":"2026-02-24T10:00:00Z",
    ///     "workspace_id":"123e4567-e89b-12d3-a456-426614174000",
    ///     "data":{"contact":{"id":"789e0123","email":"jane@example.com"}}}"#;
    /// let event: LeadLexEnvelope = decode_event(body)?;
    /// assert_eq!(event.data["contact"]["email"], "jane@example.com");
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub struct LeadLexEnvelope<T = Value> {
        /// The event type, such as `contact.created` (LeadLex's `event`
        /// field).
        event_type = "event",
        /// When the event happened (ISO 8601), as sent. The body is signed,
        /// so this time can be trusted to refuse old replays; the
        /// `X-LeadLex-Timestamp` header is not stated to be signed.
        timestamp: String = "timestamp",
        /// The workspace the event happened in.
        workspace_id: String = "workspace_id",
    }
    expecting "a LeadLex event object with `event`, `timestamp`, `workspace_id` and `data`"
}

event_family! {
    /// An event from LeadLex, by type.
    ///
    /// LeadLex sends no event id: deduplicate on something in the payload
    /// (the record's id and the timestamp), never on the
    /// `X-LeadLex-Delivery-ID` header, which is new on every attempt.
    ///
    /// ```
    /// use signed_webhooks::{decode_event, LeadLexEvent};
    ///
    /// let body = br#"{"event":"deal.bulk_created","timestamp":"2026-04-17T14:23:05Z",
    ///     "workspace_id":"123e4567","data":{"deals":[{"id":"d-1"},{"id":"d-2"}],"count":2}}"#;
    /// let LeadLexEvent::DealBulkCreated(event) = decode_event(body)? else { panic!() };
    /// assert_eq!(event.data.count(), Some(2));
    /// assert_eq!(event.data.records().map(<[_]>::len), Some(2));
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub enum LeadLexEvent(LeadLexEnvelope) {
        /// `contact.created`: a contact was created.
        ContactCreated(Value) = "contact.created",
        /// `contact.updated`: a contact changed.
        ContactUpdated(Value) = "contact.updated",
        /// `contact.deleted`: a contact was deleted.
        ContactDeleted(Value) = "contact.deleted",
        /// `contact.bulk_created`: contacts were created in bulk.
        ContactBulkCreated(LeadLexBulk) = "contact.bulk_created",
        /// `company.created`: a company was created.
        CompanyCreated(Value) = "company.created",
        /// `company.updated`: a company changed.
        CompanyUpdated(Value) = "company.updated",
        /// `company.deleted`: a company was deleted.
        CompanyDeleted(Value) = "company.deleted",
        /// `deal.created`: a deal was created.
        DealCreated(Value) = "deal.created",
        /// `deal.updated`: a deal changed.
        DealUpdated(Value) = "deal.updated",
        /// `deal.deleted`: a deal was deleted.
        DealDeleted(Value) = "deal.deleted",
        /// `deal.bulk_created`: deals were created in bulk.
        DealBulkCreated(LeadLexBulk) = "deal.bulk_created",
        /// `deal.bulk_updated`: deals were changed in bulk.
        DealBulkUpdated(LeadLexBulk) = "deal.bulk_updated",
        /// `list.created`: a list was created.
        ListCreated(Value) = "list.created",
        /// `list.deleted`: a list was deleted.
        ListDeleted(Value) = "list.deleted",
        /// `list.contacts_added`: contacts were added to a list.
        ListContactsAdded(Value) = "list.contacts_added",
        /// `list.contacts_removed`: contacts were removed from a list.
        ListContactsRemoved(Value) = "list.contacts_removed",
        /// `campaign.created`: a campaign was created.
        CampaignCreated(Value) = "campaign.created",
        /// `campaign.started`: a campaign started.
        CampaignStarted(Value) = "campaign.started",
        /// `campaign.paused`: a campaign was paused.
        CampaignPaused(Value) = "campaign.paused",
        /// `campaign.deleted`: a campaign was deleted.
        CampaignDeleted(Value) = "campaign.deleted",
        /// `campaign.step_created`: a step was added to a campaign.
        CampaignStepCreated(Value) = "campaign.step_created",
        /// `campaign.contacts_added`: contacts were added to a campaign.
        CampaignContactsAdded(Value) = "campaign.contacts_added",
        /// `activity.created`: an activity was logged.
        ActivityCreated(Value) = "activity.created",
        /// `task.created`: a task was created.
        TaskCreated(Value) = "task.created",
        /// `task.updated`: a task changed.
        TaskUpdated(Value) = "task.updated",
        /// `task.approved`: a task was approved.
        TaskApproved(Value) = "task.approved",
        /// `task.dismissed`: a task was dismissed.
        TaskDismissed(Value) = "task.dismissed",
    }
    /// When the event happened (ISO 8601), as sent.
    pub fn timestamp(&self) -> &str = |event| &event.timestamp;
    /// The workspace the event happened in.
    pub fn workspace_id(&self) -> &str = |event| &event.workspace_id;
}

/// The payload of the `*.bulk_*` events: an array of records plus a count.
///
/// LeadLex documents the shape but not the field names, so every field is
/// kept as sent in [`fields`](Self::fields), and the accessors find the
/// count (`count`) and the records (the one array in `data`, whatever its
/// name, such as `contacts` or `deals`). Nothing about them is required:
/// the payload must only be an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct LeadLexBulk {
    /// The fields of `data`, as sent.
    pub fields: Map<String, Value>,
}

impl LeadLexBulk {
    /// The `count` field, when it is a non-negative integer.
    pub fn count(&self) -> Option<u64> {
        self.fields.get("count")?.as_u64()
    }

    /// The records: the one array among the fields of `data`. `None` when
    /// there is no array, or more than one (then read
    /// [`fields`](Self::fields)).
    pub fn records(&self) -> Option<&[Value]> {
        self.records_field()
            .and_then(|name| self.fields[name].as_array().map(Vec::as_slice))
    }

    /// The name of the field that holds the records, such as `contacts`.
    pub fn records_field(&self) -> Option<&str> {
        let mut arrays = self.fields.iter().filter(|(_, value)| value.is_array());
        match (arrays.next(), arrays.next()) {
            (Some((name, _)), None) => Some(name),
            _ => None,
        }
    }
}
