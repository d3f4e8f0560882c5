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
/// ```
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
