//! The usual mistakes in the URL a delivery of a URL-signing provider
//! (Square, Twilio, HubSpot) is verified against: [`url_variants`] lists
//! the URLs (and method) the provider may have signed instead, and
//! [`explain_url_at`] says which one verifies.

use std::fmt;

use crate::error::Error;
use crate::headers::Headers;
use crate::providers::Provider;
use crate::target::{RequestTarget, check_method, check_origin, check_path_and_query};
use crate::verify::Verifier;

/// The most variants [`url_variants`] lists, so the most verifications one
/// [`explain_url_at`] runs besides the URL as given. Each costs one
/// signature check of the body.
pub const MAX_URL_TRIES: usize = 12;

/// How a URL the provider may have signed differs from the one given.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlMistake {
    /// The other scheme: `https` for `http`, or the reverse (a TLS
    /// proxy in front of the receiver, which sees `http`).
    Scheme,
    /// A `/` added at the end of the path (`added` true) or removed.
    TrailingSlash {
        /// Whether the variant adds it.
        added: bool,
    },
    /// The port: the scheme's default port written out (`added` true), or
    /// the port given removed (a default one, or the receiver's own port
    /// behind a proxy).
    Port {
        /// Whether the variant adds the default port.
        added: bool,
    },
    /// The query string removed: the provider was given the URL without
    /// it.
    QueryDropped,
    /// Another host: the one the request's `header` names (`Host`,
    /// `X-Forwarded-Host`), or `www.` added or removed (`header` `None`).
    Host {
        /// The header that named the host, lowercase.
        header: Option<&'static str>,
    },
    /// Another method: `POST`, the one providers deliver with, for a
    /// method that is not.
    Method,
}

/// A URL and method a URL-signing provider may have signed instead of the
/// ones given, and how they differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlVariant {
    /// How it differs from the URL given.
    pub mistake: UrlMistake,
    /// The whole URL: origin, path and query.
    pub url: String,
    /// The method.
    pub method: String,
}

impl fmt::Display for UrlVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// A URL split as a verifier reads it: origin parts, path, query.
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

impl Parts<'_> {
    fn url(&self) -> String {
        let mut url = format!("{}://{}", self.scheme, self.host);
        if let Some(port) = self.port {
            url.push(':');
            url.push_str(port);
        }
        url.push_str(self.path);
        if let Some(query) = self.query {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

/// Splits `url` into its origin and its path and query, as
/// [`Signer::for_url`](crate::Signer::for_url) reads it: `None` unless the
/// origin is `http(s)://host[:port]` and the path starts with `/` and holds
/// RFC 3986 characters only.
pub fn split_url(url: &str) -> Option<(&str, &str)> {
    let after_scheme = url.find("://")? + 3;
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| after_scheme + at);
    let (origin, path_and_query) = url.split_at(end);
    check_origin(origin).ok()?;
    check_path_and_query(path_and_query).ok()?;
    Some((origin, path_and_query))
}

fn parts(url: &str) -> Option<Parts<'_>> {
    let (origin, path_and_query) = split_url(url)?;
    let (scheme, authority) = origin.split_once("://")?;
    let host_end = match authority.rfind(']') {
        Some(bracket) => bracket + 1,
        None => authority.find(':').unwrap_or(authority.len()),
    };
    let (host, port) = authority.split_at(host_end);
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    Some(Parts {
        scheme,
        host,
        port: port.strip_prefix(':'),
        path,
        query,
    })
}

fn default_port(scheme: &str) -> &'static str {
    if scheme == "https" { "443" } else { "80" }
}

/// The URLs and methods a URL-signing provider may have signed when a
/// delivery does not verify against `method` and `url`, each differing
/// from them by one usual mistake, in this order, none twice and none
/// equal to `url` and `method`:
///
/// 1. `http` for `https` or the reverse (a port that was the old scheme's
///    default dropped);
/// 2. a trailing `/` added or removed;
/// 3. the default port added, or the port given removed;
/// 4. the query string removed;
/// 5. the host the request's `Host` or `X-Forwarded-Host` header names,
///    at `https` and `http`, without a port; then `www.` added or removed;
/// 6. `POST` for another method.
///
/// At most [`MAX_URL_TRIES`]; none when `url` is not a URL a signer takes
/// (see [`split_url`]). A pure function: nothing is verified.
///
/// ```
/// use signed_webhooks::diagnose::{UrlMistake, url_variants};
///
/// let none: [(&str, &str); 0] = [];
/// let variants = url_variants("POST", "http://hooks.example.com/hook", &none);
/// assert_eq!(variants[0].mistake, UrlMistake::Scheme);
/// assert_eq!(variants[0].url, "https://hooks.example.com/hook");
/// ```
pub fn url_variants(method: &str, url: &str, headers: &(impl Headers + ?Sized)) -> Vec<UrlVariant> {
    let Some(given) = parts(url) else {
        return Vec::new();
    };
    let mut variants: Vec<UrlVariant> = Vec::new();
    let given_method = method;
    let mut add = |mistake: UrlMistake, parts: &Parts<'_>, method: &str| {
        let candidate = parts.url();
        let same = |v: &UrlVariant| v.url == candidate && v.method == method;
        if (candidate == url && method == given_method)
            || variants.iter().any(same)
            || variants.len() >= MAX_URL_TRIES
            || split_url(&candidate).is_none()
        {
            return;
        }
        variants.push(UrlVariant {
            mistake,
            url: candidate,
            method: method.to_owned(),
        });
    };

    // 1. The other scheme.
    let other = if given.scheme == "https" {
        "http"
    } else {
        "https"
    };
    let port = given
        .port
        .filter(|port| *port != default_port(given.scheme));
    add(
        UrlMistake::Scheme,
        &Parts {
            scheme: other,
            port,
            ..given
        },
        method,
    );
    // 2. A trailing slash.
    let mut slashed = given.path.to_owned();
    let added = !given.path.ends_with('/');
    if added {
        slashed.push('/');
    } else if given.path.len() > 1 {
        slashed.pop();
    }
    add(
        UrlMistake::TrailingSlash { added },
        &Parts {
            path: &slashed,
            ..given
        },
        method,
    );
    // 3. The port.
    match given.port {
        Some(_) => add(
            UrlMistake::Port { added: false },
            &Parts {
                port: None,
                ..given
            },
            method,
        ),
        None => add(
            UrlMistake::Port { added: true },
            &Parts {
                port: Some(default_port(given.scheme)),
                ..given
            },
            method,
        ),
    }
    // 4. The query.
    if given.query.is_some() {
        add(
            UrlMistake::QueryDropped,
            &Parts {
                query: None,
                ..given
            },
            method,
        );
    }
    // 5. The host the request names, then `www.`.
    for header in ["x-forwarded-host", "host"] {
        let [Some(value), _] = headers.first_two(header) else {
            continue;
        };
        let Ok(value) = std::str::from_utf8(value) else {
            continue;
        };
        // The first proxy's, without its port.
        let named = value.split(',').next().unwrap_or_default().trim();
        let host = match named.rfind(']') {
            Some(bracket) => &named[..=bracket],
            None => named.split(':').next().unwrap_or_default(),
        };
        if host.is_empty() || host.eq_ignore_ascii_case(given.host) {
            continue;
        }
        for scheme in ["https", "http"] {
            add(
                UrlMistake::Host {
                    header: Some(header),
                },
                &Parts {
                    scheme,
                    host,
                    port: None,
                    ..given
                },
                method,
            );
        }
    }
    let www = match given.host.strip_prefix("www.") {
        Some(bare) => bare.to_owned(),
        None => format!("www.{}", given.host),
    };
    if !given.host.starts_with('[') && given.host.parse::<std::net::Ipv4Addr>().is_err() {
        add(
            UrlMistake::Host { header: None },
            &Parts {
                host: &www,
                ..given
            },
            method,
        );
    }
    // 6. The method.
    if method != "POST" {
        add(UrlMistake::Method, &given, "POST");
    }
    variants
}

/// Verifies a delivery of the URL-signing provider `P` against each of
/// [`url_variants`] of `method` and `url`, with `secret`, and returns the
/// first whose signature matches (the signed time is not checked: a time
/// outside the window is another finding). `None` when none does, when
/// `url` or `method` cannot be signed, or for a provider that signs no URL.
///
/// Call it once the delivery was refused with
/// [`Error::SignatureMismatch`] against `url`: it runs at most
/// [`MAX_URL_TRIES`] verifications, so, like [`explain_at`](super::explain_at),
/// never on the request path.
///
#[cfg_attr(feature = "base64", doc = "```")]
#[cfg_attr(not(feature = "base64"), doc = "```ignore")]
/// use signed_webhooks::diagnose::{self, UrlMistake};
/// use signed_webhooks::{Signer, Square};
///
/// let key = "eS7kmbr1DcT8R0lWu_mDDg";
/// let body = br#"{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"b2a6f8c4"}"#;
/// let headers = Signer::<Square>::for_url("https://hooks.example.com/hook", key)?.sign(body);
///
/// let found = diagnose::explain_url_at::<Square>(
///     key, "POST", "http://hooks.example.com/hook", &headers, body, 1_790_000_000,
/// );
/// let found = found.expect("the https URL verifies");
/// assert_eq!(found.mistake, UrlMistake::Scheme);
/// assert_eq!(found.url, "https://hooks.example.com/hook");
/// # Ok::<(), signed_webhooks::ConfigError>(())
/// ```
pub fn explain_url_at<P: Provider>(
    secret: &str,
    method: &str,
    url: &str,
    headers: &(impl Headers + ?Sized),
    body: &[u8],
    now: i64,
) -> Option<UrlVariant> {
    if !P::scheme().signs_url() || check_method(method).is_err() {
        return None;
    }
    url_variants(method, url, headers)
        .into_iter()
        .find(|variant| verifies::<P>(secret, variant, headers, body, now))
}

/// Whether the signature of the delivery matches `variant`'s URL and
/// method.
fn verifies<P: Provider>(
    secret: &str,
    variant: &UrlVariant,
    headers: &(impl Headers + ?Sized),
    body: &[u8],
    now: i64,
) -> bool {
    let Some((origin, path_and_query)) = split_url(&variant.url) else {
        return false;
    };
    let Ok(verifier) = Verifier::<P>::with_scheme_at(P::scheme(), [secret], false, Some(origin))
    else {
        return false;
    };
    let target = RequestTarget::new(&variant.method, path_and_query);
    let result = verifier
        .dangerous_without_timestamp_check()
        .verify_target_at(&target, headers, body, now);
    // A body that lacks a field the scheme reads fails after the signature.
    matches!(result, Ok(_) | Err(Error::Decode(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: [(&str, &str); 0] = [];

    fn urls(method: &str, url: &str, headers: &[(&str, &str)]) -> Vec<(UrlMistake, String)> {
        url_variants(method, url, headers)
            .into_iter()
            .map(|v| {
                assert!(v.method == method || v.mistake == UrlMistake::Method);
                (v.mistake, v.url)
            })
            .collect()
    }

    #[test]
    fn each_usual_mistake_is_one_variant() {
        assert_eq!(
            urls("POST", "http://hooks.example.com:80/hook?x=1", &NONE),
            [
                (
                    UrlMistake::Scheme,
                    "https://hooks.example.com/hook?x=1".to_owned()
                ),
                (
                    UrlMistake::TrailingSlash { added: true },
                    "http://hooks.example.com:80/hook/?x=1".to_owned()
                ),
                (
                    UrlMistake::Port { added: false },
                    "http://hooks.example.com/hook?x=1".to_owned()
                ),
                (
                    UrlMistake::QueryDropped,
                    "http://hooks.example.com:80/hook".to_owned()
                ),
                (
                    UrlMistake::Host { header: None },
                    "http://www.hooks.example.com:80/hook?x=1".to_owned()
                ),
            ]
        );
        let variants = urls("POST", "https://www.example.com/hook/", &NONE);
        assert!(variants.contains(&(
            UrlMistake::TrailingSlash { added: false },
            "https://www.example.com/hook".to_owned()
        )));
        assert!(variants.contains(&(
            UrlMistake::Port { added: true },
            "https://www.example.com:443/hook/".to_owned()
        )));
        assert!(variants.contains(&(
            UrlMistake::Host { header: None },
            "https://example.com/hook/".to_owned()
        )));
    }

    #[test]
    fn the_host_the_request_names_is_tried_without_its_port() {
        let headers = [
            ("Host", "127.0.0.1:3000"),
            ("X-Forwarded-Host", "hooks.example.com:8443, proxy.internal"),
        ];
        let variants = urls("POST", "http://127.0.0.1:3000/hook", &headers);
        let from = |header| {
            variants
                .iter()
                .filter(|(m, _)| {
                    *m == UrlMistake::Host {
                        header: Some(header),
                    }
                })
                .map(|(_, url)| url.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            from("x-forwarded-host"),
            [
                "https://hooks.example.com/hook",
                "http://hooks.example.com/hook"
            ]
        );
        // The Host header names the host given: nothing new.
        assert!(from("host").is_empty());
        // No `www.` before an address.
        assert!(!variants.iter().any(|(_, url)| url.contains("www.")));
    }

    #[test]
    fn another_method_than_post_is_tried_as_post() {
        let variants = url_variants("GET", "https://h.example/x", &NONE);
        let last = variants.last().unwrap();
        assert_eq!(last.mistake, UrlMistake::Method);
        assert_eq!(
            (last.method.as_str(), last.url.as_str()),
            ("POST", "https://h.example/x")
        );
        assert!(
            !url_variants("POST", "https://h.example/x", &NONE)
                .iter()
                .any(|v| v.mistake == UrlMistake::Method)
        );
    }

    #[test]
    fn no_variant_repeats_the_url_or_is_unsignable_and_there_are_few() {
        for url in [
            "https://h.example/",
            "http://[::1]:8080/a/b/?q=1&r=2",
            "https://hooks.example.com:443/x?y",
        ] {
            let variants = url_variants("PUT", url, &[("host", "other.example")]);
            assert!(
                !variants.is_empty() && variants.len() <= MAX_URL_TRIES,
                "{url}"
            );
            for (i, v) in variants.iter().enumerate() {
                assert!(v.url != url || v.method != "PUT", "{url}: {v}");
                assert!(split_url(&v.url).is_some(), "{v}");
                assert!(!variants[..i].contains(v), "{v} twice");
            }
        }
        for bad in [
            "hooks.example.com/x",
            "https://h.example",
            "https://h/x y",
            "ftp://h/x",
        ] {
            assert!(url_variants("POST", bad, &NONE).is_empty(), "{bad}");
        }
    }

    #[cfg(all(feature = "sha1", feature = "base64"))]
    #[test]
    fn explain_url_at_names_the_variant_that_verifies_and_only_one_that_does() {
        use crate::{HubSpot, Signer, Twilio};
        let now = 1_790_000_000;
        let secret = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
        let body = br#"[{"eventId":1,"subscriptionType":"contact.creation","occurredAt":1}]"#;
        let headers = Signer::<HubSpot>::for_url("https://hooks.example.com/hub", secret)
            .unwrap()
            .sign_at(body, now);
        let found = |method: &str, url: &str| {
            explain_url_at::<HubSpot>(secret, method, url, &headers, body, now)
                .map(|v| (v.mistake, v.method, v.url))
        };
        assert_eq!(
            found("POST", "https://hooks.example.com/hub/"),
            Some((
                UrlMistake::TrailingSlash { added: false },
                "POST".to_owned(),
                "https://hooks.example.com/hub".to_owned()
            ))
        );
        assert_eq!(
            found("GET", "https://hooks.example.com/hub"),
            Some((
                UrlMistake::Method,
                "POST".to_owned(),
                "https://hooks.example.com/hub".to_owned()
            ))
        );
        // Another path, or another secret: no usual mistake explains it.
        assert_eq!(found("POST", "https://hooks.example.com/other"), None);
        let wrong = explain_url_at::<HubSpot>(
            "another-secret",
            "POST",
            "http://hooks.example.com/hub",
            &headers,
            body,
            now,
        );
        assert_eq!(wrong, None);

        // Twilio's query, dropped at the provider.
        let form = b"From=%2B14155550100&Body=Hi";
        let headers = Signer::<Twilio>::for_url("https://h.example.com/sms", "12345")
            .unwrap()
            .sign_at(form, now);
        let found = explain_url_at::<Twilio>(
            "12345",
            "POST",
            "https://h.example.com/sms?tenant=acme",
            &[
                (
                    "x-twilio-signature",
                    headers.get("x-twilio-signature").unwrap(),
                ),
                ("content-type", "application/x-www-form-urlencoded"),
            ][..],
            form,
            now,
        );
        assert_eq!(found.map(|v| v.mistake), Some(UrlMistake::QueryDropped));
    }
}
