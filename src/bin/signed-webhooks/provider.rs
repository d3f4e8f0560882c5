//! What the command knows of each provider beyond its scheme: the name of
//! its secret's variable, the unsigned headers it sends, and its retry
//! schedule, each with its source.

use clap::ValueEnum;
use signed_webhooks::{DeliveryId, Provider, Retries, Scheme};

/// A provider, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Unleeshed,
    Exchange,
    Stripe,
    Commet,
    Leadlex,
    Github,
    /// Standard Webhooks (`webhook-*` headers).
    #[value(alias = "standard-webhooks")]
    Standard,
    /// Svix (`svix-*` headers).
    Svix,
}

/// How a provider retries a delivery not answered 2xx: the waits between
/// attempts, in seconds, after the first one, and where that comes from.
pub struct Schedule {
    pub waits: Vec<u64>,
    pub source: String,
}

const MIN: u64 = 60;
#[cfg(test)]
const HOUR: u64 = 3600;

/// For providers that publish no schedule: waits doubling from 1 min,
/// eight retries, the last about 4 h 15 min after the first attempt. This
/// command's choice, not a provider's.
const DOUBLING: &[u64] = &[
    MIN,
    2 * MIN,
    4 * MIN,
    8 * MIN,
    16 * MIN,
    32 * MIN,
    64 * MIN,
    128 * MIN,
];

impl Kind {
    /// The name used in output and in the secret's variable.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unleeshed => "unleeshed",
            Kind::Exchange => "exchange",
            Kind::Stripe => "stripe",
            Kind::Commet => "commet",
            Kind::Leadlex => "leadlex",
            Kind::Github => "github",
            Kind::Standard => "standard",
            Kind::Svix => "svix",
        }
    }

    /// The variable holding the secret, as the example receivers read it
    /// (`STRIPE_WEBHOOK_SECRET`, …), before the shared `WEBHOOK_SECRET`.
    pub fn secret_variable(self) -> String {
        format!("{}_WEBHOOK_SECRET", self.name().to_ascii_uppercase())
    }

    /// The provider's scheme, as its preset states it.
    pub fn scheme(self) -> Scheme {
        fn of<P: Provider>() -> Scheme {
            P::scheme()
        }
        crate::dispatch!(self, of())
    }

    /// Whether the provider signs a timestamp in a header (`--timestamp`).
    pub fn signs_header_time(self) -> bool {
        self.scheme().signs_header_time()
    }

    /// The header carrying a delivery id: the scheme's, signed, or the
    /// GUID GitHub and LeadLex send unsigned, which this command sends too
    /// (`--id`).
    pub fn id_header(self) -> Option<String> {
        match self {
            Kind::Github => Some("x-github-delivery".to_owned()),
            Kind::Leadlex => Some("x-leadlex-delivery-id".to_owned()),
            _ => self.scheme().id_header().map(str::to_owned),
        }
    }

    /// Whether the signed id is a body field, kept across retries.
    pub fn body_id(self) -> bool {
        matches!(
            self.scheme().delivery_id(),
            DeliveryId::BodyField(_) | DeliveryId::BodyFieldOrBody(_)
        )
    }

    /// How long after the time in its body a delivery is accepted, in
    /// seconds (the crate's `Commet` and `LeadLex` schemes).
    pub fn body_time_window(self) -> Option<i64> {
        self.scheme()
            .body_timestamp()
            .map(|(_, max_age)| i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX))
    }

    /// The body field holding the signed emission time, if any.
    pub fn body_time_field(self) -> Option<&'static str> {
        self.scheme().body_timestamp().map(|(field, _)| field)
    }

    /// How the provider retries, as its preset states it.
    pub fn retries(self) -> Retries {
        fn of<P: Provider>() -> Retries {
            P::RETRIES
        }
        crate::dispatch!(self, of())
    }

    /// The retry schedule `send --retries` follows: the provider's
    /// published one, or this command's reading where it publishes only a
    /// span or nothing (see PROVIDERS.md in tests/vectors for each source).
    pub fn schedule(self) -> Schedule {
        let retries = self.retries();
        let published = retries.waits();
        if !published.is_empty() {
            return Schedule {
                waits: published.iter().map(|wait| wait.as_secs()).collect(),
                source: retries.source().to_owned(),
            };
        }
        match retries {
            Retries::Within { span, .. } => {
                // Doubling from a minute, as many waits as fit in the span.
                let mut waits = Vec::new();
                let (mut wait, mut total) = (MIN, 0);
                while total + wait <= span.as_secs() {
                    waits.push(wait);
                    total += wait;
                    wait *= 2;
                }
                Schedule {
                    source: format!(
                        "{} (no waits published: this command doubles them from 1 min, {} \
                         retries within {})",
                        retries.source(),
                        waits.len(),
                        crate::send::span(span.as_secs())
                    ),
                    waits,
                }
            }
            Retries::Never { .. } => Schedule {
                waits: Vec::new(),
                source: retries.source().to_owned(),
            },
            _ => Schedule {
                waits: DOUBLING.to_vec(),
                source: format!(
                    "{}: this command's default, waits doubling from 1 min, 8 retries",
                    retries.source()
                ),
            },
        }
    }

    /// The unsigned headers the provider sends besides the signature's, as
    /// far as `body` and the delivery tell them. `event_type` names a
    /// GitHub event (its body does not); `delivery` is the delivery id of
    /// a provider with an id header.
    pub fn unsigned_headers(
        self,
        body: &[u8],
        event_type: Option<&str>,
        delivery: Option<&str>,
        now: i64,
    ) -> Vec<(String, String)> {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                headers.push((name.to_owned(), value));
            }
        };
        match self {
            // Commet's docs, "Headers" and the envelope table.
            Kind::Commet => {
                add("x-commet-event", field("event"));
                add("x-commet-event-id", field("id"));
                add("x-commet-timestamp", field("timestamp"));
            }
            // LeadLex's docs: the delivery id and the time of the attempt.
            Kind::Leadlex => {
                add("x-leadlex-delivery-id", delivery.map(str::to_owned));
                add(
                    "x-leadlex-timestamp",
                    Some(crate::fixtures::rfc3339(now, false)),
                );
                add("user-agent", Some("LeadLex-Webhook/1.0".to_owned()));
            }
            // GitHub's docs: the event's name and the delivery's GUID.
            Kind::Github => {
                add(
                    "x-github-event",
                    event_type.map(|t| t.split('.').next().unwrap_or(t).to_owned()),
                );
                add("x-github-delivery", delivery.map(str::to_owned));
            }
            Kind::Unleeshed | Kind::Exchange | Kind::Stripe | Kind::Standard | Kind::Svix => {}
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_span_what_the_providers_say() {
        let total = |kind: Kind| kind.schedule().waits.iter().sum::<u64>();
        // PROVIDERS.md, section 7: about 26 h 36 min, 3 h 51 min, 27 h 35 min, 75 h 35 min.
        assert_eq!(total(Kind::Unleeshed), 26 * HOUR + 36 * MIN);
        assert_eq!(total(Kind::Commet), 3 * HOUR + 51 * MIN);
        assert_eq!(total(Kind::Svix), 27 * HOUR + 35 * MIN + 5);
        assert_eq!(total(Kind::Standard), 75 * HOUR + 35 * MIN + 5);
        assert!(total(Kind::Stripe) <= 72 * HOUR);
        assert!(Kind::Github.schedule().waits.is_empty());
    }

    #[test]
    fn body_time_windows_are_the_crates() {
        use signed_webhooks::{Commet, LeadLex, Verifier};
        let window = |tolerance: Option<std::time::Duration>| {
            tolerance.map(|t| i64::try_from(t.as_secs()).unwrap())
        };
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assert_eq!(
            Kind::Commet.body_time_window(),
            window(Verifier::<Commet>::new(secret).unwrap().tolerance())
        );
        assert_eq!(
            Kind::Leadlex.body_time_window(),
            window(Verifier::<LeadLex>::new(secret).unwrap().tolerance())
        );
    }
}
