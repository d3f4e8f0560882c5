//! [`Headers`]: how the verifier reads a request's headers, whatever the
//! framework.

/// A request's headers, as the verifier reads them.
///
/// Implemented for `http` 1.x's [`HeaderMap`](http::HeaderMap) (hyper, axum,
/// tower, `lambda_http`), for actix-web's header map (feature `actix`), and
/// for lists of `(name, value)` pairs, which is handy in tests:
///
/// ```
/// use signed_webhooks::Headers;
///
/// let headers = [("X-GitHub-Event", "issues"), ("X-Hub-Signature-256", "sha256=7571…")];
/// assert_eq!(headers.first_two("x-github-event"), [Some(&b"issues"[..]), None]);
/// assert_eq!(headers.first_two("x-github-delivery"), [None, None]);
/// ```
pub trait Headers {
    /// The first value of the header `name` and, if the header appears
    /// again, its second value: enough to tell a missing header from a
    /// present one, and one from several. `name` is lowercase ASCII, and
    /// header names match case-insensitively.
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2];

    /// These headers as an `http::HeaderMap`, when they are one: a
    /// verifier then looks its headers up by the names it parsed once when
    /// it was built (looking an `http::HeaderMap` up by `&str` parses the
    /// name on every call). Not meant to be implemented elsewhere.
    #[doc(hidden)]
    fn as_header_map(&self) -> Option<&http::HeaderMap> {
        None
    }
}

impl Headers for http::HeaderMap {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        let mut values = self.get_all(name).iter().map(http::HeaderValue::as_bytes);
        [values.next(), values.next()]
    }

    fn as_header_map(&self) -> Option<&http::HeaderMap> {
        Some(self)
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> Headers for [(N, V)] {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        let mut values = self
            .iter()
            .filter(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref());
        [values.next(), values.next()]
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>, const K: usize> Headers for [(N, V); K] {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        self.as_slice().first_two(name)
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> Headers for Vec<(N, V)> {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        self.as_slice().first_two(name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        (**self).first_two(name)
    }

    fn as_header_map(&self) -> Option<&http::HeaderMap> {
        (**self).as_header_map()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_case_insensitively_and_repeats_are_seen() {
        let list = vec![
            ("Webhook-Id", "msg_1"),
            ("webhook-signature", "v1,a"),
            ("WEBHOOK-SIGNATURE", "v1,b"),
        ];
        assert_eq!(list.first_two("webhook-id"), [Some(&b"msg_1"[..]), None]);
        assert_eq!(
            list.first_two("webhook-signature"),
            [Some(&b"v1,a"[..]), Some(&b"v1,b"[..])]
        );
        assert_eq!(list.first_two("webhook-timestamp"), [None, None]);

        let mut map = http::HeaderMap::new();
        map.append("webhook-signature", "v1,a".parse().unwrap());
        map.append("webhook-signature", "v1,b".parse().unwrap());
        assert_eq!(
            map.first_two("webhook-signature"),
            list.first_two("webhook-signature")
        );
        assert_eq!(map.first_two("not a header name"), [None, None]);
    }
}
