//! Commet: how it signs, how it delivers, and its events.
//!
//! Its events: subscriptions, trials, payments, invoices, credits,
//! usage and payouts.
//!
//! The envelope is `{ "id", "event", "timestamp", "organizationId", "mode",
//! "apiVersion", "data" }`: the type is in `event`, not `type`. The event
//! names are those of Commet's webhook contract for API version
//! `2026-08-27` (shipped in its SDKs, `commet-sdk` 9.7 for Python,
//! `@commet/node`). Payloads stay JSON: Commet shapes `data` by the API
//! version each endpoint is pinned to (`apiVersion`), so a fixed Rust type
//! would break on the next version. [`CommetEvent::customer_id`] and
//! [`CommetEvent::subscription_id`] read the fields most events carry.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::{Provider, Retries, hours, minutes};
use crate::event::envelope::{define_envelope, event_family};
use crate::scheme::{DeliveryId, Scheme};
use std::time::Duration;

/// Commet: `X-Commet-Signature: <hex>`, the HMAC-SHA256 of the raw body
/// keyed with the `whsec_…` secret as issued; events [`CommetEvent`].
///
/// Nothing in a header is signed but the body, so a replay is bounded by
/// the body's `timestamp` (when Commet emitted the event, unchanged on its
/// retries, which span about 4 hours): a delivery more than 24 hours after
/// it is refused, and a duplicate store remembers each `id` at least as
/// long.
#[derive(Debug, Clone, Copy, Default)]
pub struct Commet;

impl Provider for Commet {
    const NAME: &'static str = "commet";
    type Event = CommetEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-commet-signature")
            .with_delivery_id(DeliveryId::BodyField("id"))
            .with_body_timestamp("timestamp", Duration::from_secs(24 * 3600))
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[
            minutes(1),
            minutes(5),
            minutes(15),
            minutes(30),
            hours(1),
            hours(1),
            hours(1),
        ],
        source: "Commet's docs, \"Retry policy\": immediately, then after 1 min, 5 min, 15 min, \
                 30 min, 1 h, 1 h and 1 h; more by hand from the dashboard",
    };
}

define_envelope! {
    /// One Commet event: the envelope around a payload `T` (JSON unless you
    /// decode into a type of your own).
    ///
    /// Every envelope field is required, as Commet documents them; an empty
    /// `id` is refused. Fields this crate does not model are kept in
    /// [`extra`](CommetEnvelope::extra).
    ///
    /// ```
    /// use serde::Deserialize;
    /// use signed_webhooks::decode_event;
    /// use signed_webhooks::event::CommetEnvelope;
    ///
    /// #[derive(Deserialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Activation { customer_id: String }
    ///
    /// let body = br#"{"id":"whev_8AzN","event":"subscription.activated",
    ///     "timestamp":"2026-03-25T14:30:00.000Z","organizationId":"8f14e45f","mode":"live",
    ///     "apiVersion":"2026-08-27","data":{"customerId":"user_123","status":"active"}}"#;
    /// let event: CommetEnvelope<Activation> = decode_event(body)?;
    /// assert_eq!(event.data.customer_id, "user_123");
    /// assert!(event.mode.is_live());
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub struct CommetEnvelope<T = Value> {
        /// The event type, such as `subscription.activated` (Commet's
        /// `event` field).
        event_type = "event",
        /// The event's id (`whev_…`), the same on every retry of the event:
        /// deduplicate on it. Never empty. Commet also sends it in the
        /// `X-Commet-Event-Id` header, which is not signed: trust this one.
        id: String = "id" via read_id,
        /// When Commet emitted the event (ISO 8601), as sent. The body is
        /// signed, so this time can be trusted to refuse old replays.
        timestamp: String = "timestamp",
        /// Your organization's id (`organizationId`).
        organization_id: String = "organizationId",
        /// Which environment the event comes from.
        mode: CommetMode = "mode",
        /// The API version that shaped `data` (`apiVersion`), such as
        /// `2026-08-27`.
        api_version: String = "apiVersion",
    }
    expecting "a Commet event object with `id`, `event`, `timestamp` and `data`"
}

event_family! {
    /// An event from Commet, by type, with its payload as JSON.
    ///
    /// ```
    /// use signed_webhooks::{decode_event, CommetEvent};
    ///
    /// let body = br#"{"id":"whev_8AzN","event":"subscription.canceled",
    ///     "timestamp":"2026-03-25T14:30:00.000Z","organizationId":"8f14e45f","mode":"sandbox",
    ///     "apiVersion":"2026-08-27","data":{"subscriptionId":"sub_1a2b","customerId":"user_123"}}"#;
    /// let event: CommetEvent = decode_event(body)?;
    /// match &event {
    ///     CommetEvent::SubscriptionCanceled(_) => {
    ///         assert_eq!(event.customer_id(), Some("user_123"));
    ///         assert!(!event.mode().is_live());
    ///     }
    ///     other => panic!("unexpected {}", other.event_type()),
    /// }
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub enum CommetEvent(CommetEnvelope) {
        /// `subscription.created`: a subscription was created, pending its first payment; do not grant access yet.
        SubscriptionCreated(Value) = "subscription.created",
        /// `subscription.activated`: the first charge succeeded and the subscription is active; grant access here.
        SubscriptionActivated(Value) = "subscription.activated",
        /// `subscription.reactivated`: a canceled subscription was reactivated and charged.
        SubscriptionReactivated(Value) = "subscription.reactivated",
        /// `subscription.pause_scheduled`: a pause was scheduled for the end of the period.
        SubscriptionPauseScheduled(Value) = "subscription.pause_scheduled",
        /// `subscription.pause_updated`: the length of a pause changed.
        SubscriptionPauseUpdated(Value) = "subscription.pause_updated",
        /// `subscription.pause_revoked`: a scheduled pause was revoked before it began.
        SubscriptionPauseRevoked(Value) = "subscription.pause_revoked",
        /// `subscription.paused`: a pause began and access was revoked.
        SubscriptionPaused(Value) = "subscription.paused",
        /// `subscription.resumed`: a paused subscription restored access.
        SubscriptionResumed(Value) = "subscription.resumed",
        /// `subscription.resume_failed`: the charge to resume a paused subscription failed.
        SubscriptionResumeFailed(Value) = "subscription.resume_failed",
        /// `subscription.canceled`: the subscription ended; revoke access.
        SubscriptionCanceled(Value) = "subscription.canceled",
        /// `subscription.updated`: the subscription's details changed (such as a cancellation scheduled).
        SubscriptionUpdated(Value) = "subscription.updated",
        /// `subscription.plan_changed`: the subscription moved to another plan or billing interval.
        SubscriptionPlanChanged(Value) = "subscription.plan_changed",
        /// `subscription.cancellation_scheduled`: a cancellation was scheduled for the end of the period.
        SubscriptionCancellationScheduled(Value) = "subscription.cancellation_scheduled",
        /// `subscription.cancellation_revoked`: a scheduled cancellation was reverted.
        SubscriptionCancellationRevoked(Value) = "subscription.cancellation_revoked",
        /// `subscription.plan_change_scheduled`: a plan change was scheduled for the end of the period.
        SubscriptionPlanChangeScheduled(Value) = "subscription.plan_change_scheduled",
        /// `subscription.plan_change_revoked`: a scheduled plan change was replaced.
        SubscriptionPlanChangeRevoked(Value) = "subscription.plan_change_revoked",
        /// `subscription.past_due`: a renewal charge failed and the subscription is past due.
        SubscriptionPastDue(Value) = "subscription.past_due",
        /// `trial.started`: a trial began; grant access.
        TrialStarted(Value) = "trial.started",
        /// `trial.converted`: a trial converted to a paid subscription before its end.
        TrialConverted(Value) = "trial.converted",
        /// `trial.expired`: a trial ran out and billing started.
        TrialExpired(Value) = "trial.expired",
        /// `trial.will_end`: a trial ends in three days.
        TrialWillEnd(Value) = "trial.will_end",
        /// `trial.checkout_ready`: a trial checkout link is ready to share.
        TrialCheckoutReady(Value) = "trial.checkout_ready",
        /// `checkout.ready`: a checkout link for a first invoice is ready to share.
        CheckoutReady(Value) = "checkout.ready",
        /// `payment.received`: a payment settled, first or renewal.
        PaymentReceived(Value) = "payment.received",
        /// `payment.failed`: a subscription charge failed.
        PaymentFailed(Value) = "payment.failed",
        /// `payment.recovered`: an invoice that had failed was paid.
        PaymentRecovered(Value) = "payment.recovered",
        /// `payment.retry_failed`: every dunning retry failed and the subscription was canceled.
        PaymentRetryFailed(Value) = "payment.retry_failed",
        /// `payment.refunded`: a payment was refunded, fully or partly.
        PaymentRefunded(Value) = "payment.refunded",
        /// `payment.disputed`: a cardholder disputed a payment.
        PaymentDisputed(Value) = "payment.disputed",
        /// `payment.dispute_resolved`: a dispute was closed.
        PaymentDisputeResolved(Value) = "payment.dispute_resolved",
        /// `payment_link.created`: a payment link was created.
        PaymentLinkCreated(Value) = "payment_link.created",
        /// `payment_link.completed`: a payment link was paid.
        PaymentLinkCompleted(Value) = "payment_link.completed",
        /// `payment_link.failed`: a payment link charge was declined.
        PaymentLinkFailed(Value) = "payment_link.failed",
        /// `payment_link.canceled`: a pending payment link was canceled.
        PaymentLinkCanceled(Value) = "payment_link.canceled",
        /// `invoice.created`: an invoice was generated.
        InvoiceCreated(Value) = "invoice.created",
        /// `invoice.voided`: an invoice was voided.
        InvoiceVoided(Value) = "invoice.voided",
        /// `invoice.overdue`: an invoice passed its due date unpaid.
        InvoiceOverdue(Value) = "invoice.overdue",
        /// `invoice.upcoming`: a subscription renews in three days.
        InvoiceUpcoming(Value) = "invoice.upcoming",
        /// `payment_method.attached`: a payment method was recorded for a subscription.
        PaymentMethodAttached(Value) = "payment_method.attached",
        /// `payment_method.updated`: a customer replaced their default payment method.
        PaymentMethodUpdated(Value) = "payment_method.updated",
        /// `customer.created`: a customer was created.
        CustomerCreated(Value) = "customer.created",
        /// `customer.updated`: a customer's details changed.
        CustomerUpdated(Value) = "customer.updated",
        /// `customer.state_changed`: what a customer may access changed.
        CustomerStateChanged(Value) = "customer.state_changed",
        /// `plan_grant.created`: a plan grant was created.
        PlanGrantCreated(Value) = "plan_grant.created",
        /// `plan_grant.updated`: a plan grant's duration or deadline changed.
        PlanGrantUpdated(Value) = "plan_grant.updated",
        /// `plan_grant.expired`: a plan grant expired.
        PlanGrantExpired(Value) = "plan_grant.expired",
        /// `plan_grant.revoked`: a plan grant was revoked.
        PlanGrantRevoked(Value) = "plan_grant.revoked",
        /// `credits.granted`: credits were granted to a subscription.
        CreditsGranted(Value) = "credits.granted",
        /// `credits.purchased`: a customer bought a credit pack.
        CreditsPurchased(Value) = "credits.purchased",
        /// `credits.low`: a subscription's credits fell below 10% of the period's grant.
        CreditsLow(Value) = "credits.low",
        /// `credits.depleted`: a subscription's credits reached zero.
        CreditsDepleted(Value) = "credits.depleted",
        /// `credits.expired`: unused credits of the previous period were discarded.
        CreditsExpired(Value) = "credits.expired",
        /// `balance.topped_up`: a customer topped up their prepaid balance.
        BalanceToppedUp(Value) = "balance.topped_up",
        /// `balance.low`: a prepaid balance fell below 10% of its last refill.
        BalanceLow(Value) = "balance.low",
        /// `balance.depleted`: a prepaid balance reached zero or below.
        BalanceDepleted(Value) = "balance.depleted",
        /// `quota.threshold_reached`: a metered feature's usage passed 80% of its quota.
        QuotaThresholdReached(Value) = "quota.threshold_reached",
        /// `quota.exceeded`: a metered feature's usage passed its quota.
        QuotaExceeded(Value) = "quota.exceeded",
        /// `seats.updated`: a customer's seat count changed.
        SeatsUpdated(Value) = "seats.updated",
        /// `seats.limit_reached`: a seat change reached the plan's seat limit.
        SeatsLimitReached(Value) = "seats.limit_reached",
        /// `addon.activated`: an add-on was activated on a subscription.
        AddonActivated(Value) = "addon.activated",
        /// `addon.deactivated`: an add-on was deactivated.
        AddonDeactivated(Value) = "addon.deactivated",
        /// `usage.recorded`: a usage event was processed.
        UsageRecorded(Value) = "usage.recorded",
        /// `payout.available`: money became available to pay out to you.
        PayoutAvailable(Value) = "payout.available",
        /// `payout.created`: a payout to your bank was initiated.
        PayoutCreated(Value) = "payout.created",
        /// `payout.paid`: a payout reached your bank.
        PayoutPaid(Value) = "payout.paid",
        /// `payout.failed`: a payout could not be completed.
        PayoutFailed(Value) = "payout.failed",
    }
    /// The event's id, the key to deduplicate deliveries on.
    pub fn id(&self) -> &str = |event| &event.id;
    /// When Commet emitted the event (ISO 8601), as sent.
    pub fn timestamp(&self) -> &str = |event| &event.timestamp;
    /// Your organization's id.
    pub fn organization_id(&self) -> &str = |event| &event.organization_id;
    /// Which environment the event comes from.
    pub fn mode(&self) -> &CommetMode = |event| &event.mode;
    /// The API version that shaped the payload.
    pub fn api_version(&self) -> &str = |event| &event.api_version;
    /// The payload, as JSON.
    pub fn data(&self) -> &Value = |event| &event.data;
}

impl CommetEvent {
    /// The payload's `customerId`: your `externalId` for the customer when
    /// you gave one, Commet's id otherwise. Most event types carry it.
    pub fn customer_id(&self) -> Option<&str> {
        self.data().get("customerId")?.as_str()
    }

    /// The payload's `subscriptionId`, on the events about a subscription.
    pub fn subscription_id(&self) -> Option<&str> {
        self.data().get("subscriptionId")?.as_str()
    }
}

/// The environment a Commet event comes from (`mode`).
///
/// A mode this crate does not know is kept in [`Other`](Self::Other), never
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommetMode {
    /// `live`: real customers and money.
    Live,
    /// `sandbox`: test data.
    Sandbox,
    /// Any other mode, as sent.
    Other(String),
}

impl CommetMode {
    /// The mode as Commet writes it.
    pub fn as_str(&self) -> &str {
        match self {
            CommetMode::Live => "live",
            CommetMode::Sandbox => "sandbox",
            CommetMode::Other(mode) => mode,
        }
    }

    /// Whether the event comes from the live environment. Only `live` is:
    /// an unknown mode is not.
    pub fn is_live(&self) -> bool {
        matches!(self, CommetMode::Live)
    }
}

impl fmt::Display for CommetMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CommetMode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CommetMode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mode = String::deserialize(deserializer)?;
        Ok(match mode.as_str() {
            "live" => CommetMode::Live,
            "sandbox" => CommetMode::Sandbox,
            _ => CommetMode::Other(mode),
        })
    }
}
