//! [`Window`]: how long a delivery's signed time passes the verifier.

use std::time::Duration;

use super::MAX_KEEP;

/// How long a delivery's signed time passes the verifier: until then, a
/// captured copy of the request can be replayed, so its entry must not be
/// forgotten; after it, the request is refused by its timestamp, and a
/// claim that arrives that late is [stale](super::ClaimState::Stale).
///
/// ```
/// use std::time::Duration;
/// use signed_webhooks::dedup::Window;
///
/// // Signed at 1 790 000 000, accepted up to 300 s later.
/// let window = Window::new(1_790_000_000, Some(Duration::from_secs(300)));
/// assert_eq!(window.closes_at(), Some(1_790_000_300));
/// // A verifier without a timestamp check, or a scheme that signs no time.
/// assert_eq!(Window::new(1_790_000_000, None), Window::unbounded());
/// assert_eq!(Window::unbounded().closes_at(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The signed time (Unix seconds) and the tolerance; `None` when the
    /// window never closes.
    bounds: Option<(i64, Duration)>,
}

impl Window {
    /// The window of a delivery signed at `signed_at` (Unix seconds), for a
    /// verifier accepting timestamps up to `tolerance` old (sub-second parts
    /// ignored, as the verifier does): [`Verifier::tolerance`] gives it.
    /// `None`, or a tolerance over ten years, is a window that never closes.
    ///
    /// [`Verifier::tolerance`]: crate::Verifier::tolerance
    pub fn new(signed_at: i64, tolerance: Option<Duration>) -> Window {
        match tolerance {
            Some(tolerance) if tolerance <= MAX_KEEP => Window {
                bounds: Some((signed_at, Duration::from_secs(tolerance.as_secs()))),
            },
            _ => Window::unbounded(),
        }
    }

    /// The window of a delivery that carries no signed time (a scheme that
    /// signs the body alone), or whose time is not checked: it never
    /// closes, so only the store's memory refuses its replays.
    pub const fn unbounded() -> Window {
        Window { bounds: None }
    }

    /// The signed time, in Unix seconds, for a window that closes.
    pub fn signed_at(&self) -> Option<i64> {
        self.bounds.map(|(signed_at, _)| signed_at)
    }

    /// The tolerance, for a window that closes.
    pub fn tolerance(&self) -> Option<Duration> {
        self.bounds.map(|(_, tolerance)| tolerance)
    }

    /// The last Unix second in which the signed time passes the verifier
    /// (which accepts a timestamp exactly `tolerance` old), or `None` when
    /// the window never closes.
    pub fn closes_at(&self) -> Option<i64> {
        self.bounds.map(|(signed_at, tolerance)| {
            signed_at.saturating_add(i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX))
        })
    }

    /// The first Unix millisecond at which the window is closed (the end of
    /// the second [`closes_at`](Window::closes_at) names), or `None` when it
    /// never closes. Stores compare their clock with this.
    pub fn end_millis(&self) -> Option<i64> {
        self.closes_at()
            .map(|closes_at| closes_at.saturating_add(1).saturating_mul(1000))
    }

    /// Whether the window is closed at `now_millis` (Unix milliseconds): the
    /// test a store applies, on its own clock, before granting a claim.
    pub fn is_closed_at(&self, now_millis: i64) -> bool {
        self.end_millis().is_some_and(|end| now_millis >= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_closes_when_the_verifier_stops_accepting_its_time() {
        let verifier =
            crate::Verifier::<crate::Unleeshed>::new("whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
                .unwrap()
                .with_tolerance(Duration::from_millis(300_900));
        let header =
            crate::Signer::<crate::Unleeshed>::new("whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
                .unwrap()
                .sign_at(b"{}", 1_000);
        let window = Window::new(1_000, verifier.tolerance());
        assert_eq!(window.closes_at(), Some(1_300));
        assert_eq!(window.end_millis(), Some(1_301_000));
        // The last second the verifier accepts is open, the next is closed.
        assert!(verifier.verify_at(&header, b"{}", 1_300).is_ok());
        assert!(!window.is_closed_at(1_300_999));
        assert!(verifier.verify_at(&header, b"{}", 1_301).is_err());
        assert!(window.is_closed_at(1_301_000));
    }

    #[test]
    fn windows_without_a_time_check_never_close() {
        for window in [
            Window::unbounded(),
            Window::new(1_000, None),
            Window::new(1_000, Some(MAX_KEEP + Duration::from_secs(1))),
            Window::new(1_000, Some(Duration::MAX)),
        ] {
            assert_eq!(window, Window::unbounded());
            assert_eq!((window.closes_at(), window.end_millis()), (None, None));
            assert!(!window.is_closed_at(i64::MAX));
        }
        let far = Window::new(i64::MAX - 5, Some(MAX_KEEP));
        assert_eq!(far.closes_at(), Some(i64::MAX));
        assert!(!far.is_closed_at(i64::MAX - 1));
    }
}
