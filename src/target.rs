//! The request's method and URL, for the schemes that sign them (Square,
//! Twilio, HubSpot): [`RequestTarget`], the public origin a verifier is
//! configured with, and the signed forms of the URL and of form fields.
//!
//! The signed URL is the one the provider called, such as
//! `https://hooks.example.com/square?x=1`. Behind a proxy or a load
//! balancer, the server sees another (`http://10.0.0.7:8080/square?x=1`),
//! so the origin (`https://hooks.example.com`) is configured, once, and
//! only the path and query are taken from the request. The `Host` and
//! `X-Forwarded-*` headers are never read: nothing signs them, so a
//! replayed request could set them to whatever makes a captured signature
//! match another endpoint's URL.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use crate::scheme::UrlForm;

/// The method and the path and query of a request, as the server received
/// them: what a verifier of a scheme that signs the URL (Square, Twilio,
/// HubSpot) needs besides the headers and the body. The origin comes from
/// the verifier's configuration ([`Verifier::at_public_origin`]), never
/// from the request.
///
/// ```
/// use signed_webhooks::RequestTarget;
///
/// let target = RequestTarget::new("POST", "/webhooks/square?tenant=acme");
/// assert_eq!(target.path_and_query(), "/webhooks/square?tenant=acme");
///
/// let uri: http::Uri = "/webhooks/square".parse().unwrap();
/// let target = RequestTarget::of(&http::Method::POST, &uri);
/// assert_eq!(target.method(), "POST");
/// ```
///
/// [`Verifier::at_public_origin`]: crate::Verifier::at_public_origin
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTarget<'a> {
    method: &'a str,
    path_and_query: &'a str,
}

impl<'a> RequestTarget<'a> {
    /// A request's method (`POST`) and its path and query exactly as
    /// received (`/hook?x=1`, percent-escapes as sent). They are checked
    /// when a delivery is verified: a method that is not an HTTP token, or
    /// a path that does not start with `/` or holds characters outside RFC
    /// 3986, is refused ([`Error::MalformedTarget`](crate::Error::MalformedTarget)).
    pub fn new(method: &'a str, path_and_query: &'a str) -> Self {
        RequestTarget {
            method,
            path_and_query,
        }
    }

    /// The target of an `http` request: its method and its URI's path and
    /// query (`/` when the URI has none). A URI in absolute form
    /// (`http://host/path`) gives its path and query only.
    pub fn of(method: &'a http::Method, uri: &'a http::Uri) -> Self {
        RequestTarget {
            method: method.as_str(),
            path_and_query: uri.path_and_query().map_or("/", |pq| pq.as_str()),
        }
    }

    /// The method.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The path and query.
    pub fn path_and_query(&self) -> &'a str {
        self.path_and_query
    }
}

/// Checks a public origin: `http` or `https`, `://`, a host (a name, an
/// IPv4 address or a bracketed IPv6 one), an optional port, and nothing
/// else (no user, path, query or fragment; no trailing `/`).
pub(crate) fn check_origin(origin: &str) -> Result<(), &'static str> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or("the origin starts with `https://` or `http://`")?;
    if rest.contains(['/', '?', '#']) {
        return Err("the origin has no path, query or fragment (not even a trailing `/`)");
    }
    if rest.contains('@') {
        return Err("the origin has no user name or password");
    }
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6
                .split_once(']')
                .ok_or("an IPv6 host is closed with `]`")?;
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return Err("an IPv6 host is hex digits, `:` and `.`");
            }
            match after {
                "" => (host, None),
                _ => (
                    host,
                    Some(
                        after
                            .strip_prefix(':')
                            .ok_or("a port follows the host after `:`")?,
                    ),
                ),
            }
        }
        None => match rest.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        },
    };
    let host_valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':'));
    if !host_valid {
        return Err("the origin's host is letters, digits, `-` and `.`");
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && !port.starts_with('0')
            && port.parse::<u32>().is_ok_and(|n| n <= 65_535);
        if !valid {
            return Err("the origin's port is a number from 1 to 65535, without leading zeros");
        }
    }
    Ok(())
}

/// Whether `path_and_query` can be signed: it starts with `/` and holds
/// only RFC 3986 characters (unreserved, `%`, and the reserved ones but
/// `[`, `]` and `#`), so no `{`, `"` or space: a JSON body signed right
/// after it can neither lend it its first byte nor take one of its own.
pub(crate) fn check_path_and_query(path_and_query: &str) -> Result<(), &'static str> {
    let allowed = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'%'
                    | b':'
                    | b'/'
                    | b'?'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            )
    };
    if !path_and_query.starts_with('/') {
        return Err("the request's path does not start with `/`");
    }
    if !path_and_query.bytes().all(allowed) {
        return Err("the request's path or query holds characters outside RFC 3986");
    }
    Ok(())
}

/// A whole URL split into its origin and its path and query, each checked
/// ([`check_origin`], [`check_path_and_query`]).
pub(crate) fn split_url(url: &str) -> Result<(&str, &str), &'static str> {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let origin_end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| after_scheme + at);
    let (origin, path_and_query) = url.split_at(origin_end);
    check_origin(origin)?;
    check_path_and_query(path_and_query)?;
    Ok((origin, path_and_query))
}

/// Whether `method` is an HTTP token (RFC 9110): no `:` or `/`.
pub(crate) fn check_method(method: &str) -> Result<(), &'static str> {
    let token = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
    };
    if method.is_empty() || !method.bytes().all(token) {
        return Err("the request's method is not an HTTP token");
    }
    Ok(())
}

/// The URLs a signature may cover, for a URL as the provider called it
/// (origin and path and query): the URL in its signed form, and for
/// [`UrlForm::EitherDefaultPort`] the same with the default port added, or
/// removed when it is there. `url` itself is the signed form wherever it
/// needs no change: nothing is copied.
pub(crate) fn signed_urls(url: String, form: UrlForm) -> (String, Option<String>) {
    match form {
        UrlForm::AsReceived => (url, None),
        UrlForm::HubSpotDecoded => match hubspot_decoded(&url) {
            Cow::Borrowed(_) => (url, None),
            Cow::Owned(decoded) => (decoded, None),
        },
        UrlForm::EitherDefaultPort => {
            let other = toggle_default_port(&url);
            (url, other)
        }
    }
}

/// `url` with its default port (`:443` for `https`, `:80` for `http`)
/// added when it has no port, or removed when it has that one; `None` for
/// another port.
fn toggle_default_port(url: &str) -> Option<String> {
    let (scheme, default) = if url.starts_with("https://") {
        ("https://", ":443")
    } else if url.starts_with("http://") {
        ("http://", ":80")
    } else {
        return None;
    };
    let rest = &url[scheme.len()..];
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_end = match authority.rfind(']') {
        Some(bracket) => bracket + 1,
        None => authority.find(':').unwrap_or(authority.len()),
    };
    let (host, port) = authority.split_at(host_end);
    let path = &rest[end..];
    let pieces: &[&str] = match port {
        "" => &[scheme, host, default, path],
        port if port == default => &[scheme, host, path],
        _ => return None,
    };
    // Made at its length at once (`format!` would grow it twice).
    let mut other = String::with_capacity(pieces.iter().map(|piece| piece.len()).sum());
    for piece in pieces {
        other.push_str(piece);
    }
    Some(other)
}

/// HubSpot's v3 rule: `%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B`
/// (either case of hex) decoded in the URI before it is signed; other
/// escapes are kept.
fn hubspot_decoded(url: &str) -> Cow<'_, str> {
    if !url.contains('%') {
        return Cow::Borrowed(url);
    }
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let decoded = hex_byte(&bytes[i + 1..i + 3]).filter(|b| b":/?@!$'()*,;".contains(b));
            if let Some(b) = decoded {
                out.push(char::from(b));
                i += 3;
                continue;
            }
        }
        out.push(char::from(bytes[i]));
        i += 1;
    }
    Cow::Owned(out)
}

/// The signed form of a body's form fields (Twilio's), and whether they
/// could be Twilio's.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SignedFields {
    /// Decoded, sorted by name then value, identical pairs once, each name
    /// followed by its value; empty for a body whose hash the URL names.
    pub(crate) bytes: Vec<u8>,
    /// Why the body cannot be what the provider signed, even where the
    /// signature matches: a field name that does not start with an ASCII
    /// letter (bytes moved from the URL's query into the fields), or a
    /// body hashed in the URL that is no JSON object or array.
    pub(crate) refused: Option<&'static str>,
}

/// The `bodySHA256` a URL names for its body, as Twilio adds it: the last
/// parameter of the query, exactly 64 hex digits, and the only one of that
/// name. Anywhere else, or of another shape, it names nothing, and the
/// body is a form: a replay cannot make `bodySHA256=…` text that was the
/// original's URL or fields stand for a body hash.
pub(crate) fn body_hash_in(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    let (before, last) = query.rsplit_once('&').unwrap_or(("", query));
    let hash = last.strip_prefix("bodySHA256=")?;
    let named_before = before
        .split('&')
        .any(|pair| pair.split('=').next() == Some("bodySHA256"));
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !named_before)
        .then_some(hash)
}

/// Whether a body is JSON rather than form fields, by its first byte that
/// is not ASCII whitespace: `{` or `[`. Where the verifier of a scheme
/// with [`Part::FormFields`](crate::Part::FormFields) passed a delivery,
/// this is the choice it made: it accepts a body hashed in the URL only
/// when it starts so, and form fields only when every name starts with an
/// ASCII letter, which a body starting so does not have.
pub(crate) fn is_json_body(body: &[u8]) -> bool {
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// The signed form of a body's form fields (Twilio's): decoded, sorted by
/// name then value, identical pairs once, each name followed by its value.
/// Empty, with the body checked against it, where the URL's query ends
/// with `bodySHA256` ([`body_hash_in`]): `Err(())` when the body does not
/// hash to it.
pub(crate) fn form_fields(url: &str, body: &[u8]) -> Result<SignedFields, ()> {
    if let Some(expected) = body_hash_in(url) {
        let actual = hex::encode(Sha256::digest(body));
        // The hash of a body is no secret: a plain comparison.
        return if actual == expected {
            Ok(SignedFields {
                bytes: Vec::new(),
                refused: (!is_json_body(body)).then_some(
                    "the body hashed in the URL's `bodySHA256` is not a JSON object or array, \
                     as Twilio sends it",
                ),
            })
        } else {
            Err(())
        };
    }
    // Borrowed from the body wherever nothing needed decoding: sorting
    // and deduplicating compare the decoded text either way.
    let mut pairs = form_pairs(body);
    let refused = pairs
        .iter()
        .any(|(name, _)| !name.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then_some(
            "a form field's name does not start with an ASCII letter, as Twilio's do: a replay \
             that moved bytes between the URL's query and the fields",
        );
    pairs.sort_unstable();
    pairs.dedup();
    let len = pairs
        .iter()
        .map(|(name, value)| name.len() + value.len())
        .sum();
    let mut bytes = Vec::with_capacity(len);
    for (name, value) in &pairs {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(value.as_bytes());
    }
    Ok(SignedFields { bytes, refused })
}

/// The fields of an `application/x-www-form-urlencoded` body, decoded, in
/// the order sent: a field without `=` has an empty value, empty ones
/// (`&&`) are skipped. A name or value with nothing to decode is borrowed
/// from the body; the list is made once, as long as the body has fields
/// at most.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    if body.is_empty() {
        return Vec::new();
    }
    let mut pairs = Vec::with_capacity(count_of(b'&', body) + 1);
    // The same fields either way; `str`'s search for an ASCII character
    // skips through the text a word at a time, a byte slice's split
    // compares byte by byte.
    match std::str::from_utf8(body) {
        Ok(text) => pairs.extend(
            text.split('&')
                .filter_map(|pair| form_pair(pair.as_bytes())),
        ),
        Err(_) => pairs.extend(body.split(|&b| b == b'&').filter_map(form_pair)),
    }
    pairs
}

/// One field decoded; `None` for an empty one (`&&`).
fn form_pair(pair: &[u8]) -> Option<(Cow<'_, str>, Cow<'_, str>)> {
    if pair.is_empty() {
        return None;
    }
    let (name, value) = match pair.iter().position(|&b| b == b'=') {
        Some(at) => (&pair[..at], &pair[at + 1..]),
        None => (pair, &[][..]),
    };
    Some((form_decode(name), form_decode(value)))
}

/// How many times `byte` occurs in `bytes`: counted in chunks a `u8`
/// cannot overflow in, which the compiler makes a vector loop.
fn count_of(byte: u8, bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            usize::from(
                chunk
                    .iter()
                    .fold(0u8, |count, &b| count + u8::from(b == byte)),
            )
        })
        .sum()
}

/// The byte two hex digits stand for; `None` unless both are ASCII hex
/// digits (`u8::from_str_radix` alone would take `+A` for `A`).
fn hex_byte(hex: &[u8]) -> Option<u8> {
    fn digit(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    match hex {
        [high, low] => Some(digit(*high)? << 4 | digit(*low)?),
        _ => None,
    }
}

/// One `application/x-www-form-urlencoded` name or value decoded: `+` is a
/// space, `%XX` a byte (an invalid escape is kept as is), the bytes read as
/// UTF-8 (invalid sequences replaced), as the usual form parsers do.
fn form_decode(text: &[u8]) -> Cow<'_, str> {
    if !text.iter().any(|&b| b == b'+' || b == b'%') {
        // Nothing to decode: the text itself, borrowed when it is UTF-8.
        return String::from_utf8_lossy(text);
    }
    // Run by run between `%`s (each a byte for byte copy, `+` made a
    // space), then the escape: two hex digits a byte, else `%` kept and
    // what follows it read as any other byte.
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text;
    loop {
        let run = rest.iter().position(|&b| b == b'%').unwrap_or(rest.len());
        let (plain, escape) = rest.split_at(run);
        bytes.extend(plain.iter().map(|&b| if b == b'+' { b' ' } else { b }));
        let Some((_, after)) = escape.split_first() else {
            break;
        };
        match after.get(..2).and_then(hex_byte) {
            Some(b) => {
                bytes.push(b);
                rest = &after[2..];
            }
            None => {
                bytes.push(b'%');
                rest = after;
            }
        }
    }
    // The decoded bytes become the `String` as they are when they are
    // UTF-8 (no copy), and with invalid sequences replaced otherwise.
    match String::from_utf8(bytes) {
        Ok(text) => Cow::Owned(text),
        Err(error) => Cow::Owned(String::from_utf8_lossy(error.as_bytes()).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for good in [
            "https://hooks.example.com",
            "http://127.0.0.1:8080",
            "https://[::1]:8443",
            "https://h",
        ] {
            assert_eq!(check_origin(good), Ok(()), "{good}");
        }
        for bad in [
            "hooks.example.com",
            "ftp://hooks.example.com",
            "https://hooks.example.com/",
            "https://hooks.example.com/hook",
            "https://hooks.example.com?x=1",
            "https://hooks.example.com#x",
            "https://user@hooks.example.com",
            "https://",
            "https://hooks.example.com:",
            "https://hooks.example.com:0443",
            "https://hooks.example.com:70000",
            "https://hooks example.com",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_hold_rfc_3986_characters_only() {
        assert_eq!(check_path_and_query("/a/b?x=1&y=%2F,;"), Ok(()));
        for bad in ["", "a", "/a b", "/a{", "/a\"", "/a[]=1", "/é"] {
            assert!(check_path_and_query(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_method("POST"), Ok(()));
        assert!(check_method("PO:ST").is_err());
        assert!(check_method("").is_err());
    }

    #[test]
    fn the_default_port_is_added_or_removed() {
        assert_eq!(
            toggle_default_port("https://h.example/p?q=1").as_deref(),
            Some("https://h.example:443/p?q=1")
        );
        assert_eq!(
            toggle_default_port("https://h.example:443/p").as_deref(),
            Some("https://h.example/p")
        );
        assert_eq!(
            toggle_default_port("http://h.example").as_deref(),
            Some("http://h.example:80")
        );
        assert_eq!(toggle_default_port("https://h.example:8443/p"), None);
    }

    #[test]
    fn hubspot_decodes_its_listed_escapes_only() {
        assert_eq!(
            hubspot_decoded("https://h/p?tags=a%2Cb&next=%2Fhome%3Fx%3A1&sp=%20"),
            "https://h/p?tags=a,b&next=/home?x:1&sp=%20"
        );
        assert_eq!(hubspot_decoded("https://h/p%2"), "https://h/p%2");
    }

    #[test]
    fn form_fields_are_decoded_sorted_and_deduplicated() {
        let fields =
            form_fields("https://h/p", b"To=%2B1&Body=a+b&Tag=b&Tag=a&Tag=a&Empty=").unwrap();
        assert_eq!(fields.bytes, b"Bodya bEmptyTagaTagbTo+1");
        assert_eq!(fields.refused, None);
        assert_eq!(form_fields("https://h/p", b"").unwrap().bytes, b"");
        assert_eq!(
            form_fields("https://h/p", b"bad=%zz").unwrap().bytes,
            b"bad%zz"
        );
        let hash = hex::encode(Sha256::digest(b"{}"));
        assert_eq!(
            form_fields(&format!("https://h/p?bodySHA256={hash}"), b"{}"),
            Ok(SignedFields::default())
        );
        assert_eq!(
            form_fields(&format!("https://h/p?bodySHA256={hash}"), b"{ }"),
            Err(())
        );
    }

    #[test]
    fn a_percent_escape_is_two_hex_digits() {
        // `u8::from_str_radix("+A", 16)` is 10: not an escape, so the `%`
        // is kept and the `+` is a space, as everywhere in a form.
        assert_eq!(form_decode(b"a%+Ab"), "a% Ab");
        assert_eq!(form_decode(b"a%-1b"), "a%-1b");
        assert_eq!(form_decode(b"a%0Ab%0a"), "a\nb\n");
        assert_eq!(
            hubspot_decoded("https://h/p%+A?x=%+2"),
            "https://h/p%+A?x=%+2"
        );
        assert_eq!(hubspot_decoded("https://h/p%2f"), "https://h/p/");
    }

    #[test]
    fn body_sha256_counts_only_as_the_last_parameter_once_in_64_hex_digits() {
        let hash = hex::encode(Sha256::digest(b"{}"));
        assert_eq!(
            body_hash_in(&format!("https://h/p?bodySHA256={hash}")),
            Some(hash.as_str())
        );
        assert_eq!(
            body_hash_in(&format!("https://h/p?a=1&bodySHA256={hash}")),
            Some(hash.as_str())
        );
        for url in [
            format!("https://h/p?bodySHA256={hash}&a=1"),
            format!("https://h/p?a=1&bodySHA256={hash}&"),
            format!("https://h/p?bodySHA256={hash}&bodySHA256={hash}"),
            format!("https://h/p?bodySHA256&bodySHA256={hash}"),
            format!("https://h/p?bodySHA256={}", &hash[1..]),
            format!("https://h/p?bodySHA256={hash}0"),
            format!("https://h/p?bodySHA256={}g", &hash[1..]),
            format!("https://h/p?xbodySHA256={hash}"),
            format!("https://h/p/bodySHA256={hash}"),
        ] {
            assert_eq!(body_hash_in(&url), None, "{url}");
        }
        // Not honoured, the parameter leaves the body a form.
        let fields = form_fields(&format!("https://h/p?bodySHA256={hash}&a=1"), b"{}").unwrap();
        assert_eq!(fields.bytes, b"{}");
        assert!(fields.refused.is_some());
    }

    #[test]
    fn field_names_must_start_with_a_letter_and_json_must_be_a_container() {
        for body in [
            &b"3AccountSid=AC1"[..],
            b"_x=1",
            b"=1",
            b"A=1&%31=2",
            b"+A=1",
        ] {
            let fields = form_fields("https://h/p", body).unwrap();
            assert!(
                fields.refused.is_some(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        let fields = form_fields("https://h/p", b"&&%41ccountSid=AC1&b=2").unwrap();
        assert_eq!(fields.refused, None);
        let hash = hex::encode(Sha256::digest(b"a=1"));
        let fields = form_fields(&format!("https://h/p?bodySHA256={hash}"), b"a=1").unwrap();
        assert!(fields.refused.is_some());
        assert!(is_json_body(b" \n[1]"));
        assert!(!is_json_body(b"&{}"));
        assert!(!is_json_body(b""));
    }

    /// The form decoding and signed fields as they were before they
    /// borrowed from the body (0.2.0): a `String` per name and value, the
    /// owned pairs sorted, deduplicated and joined. The faster code must
    /// give the same bytes and the same refusal for every body.
    mod reference {
        pub(super) fn decode(text: &[u8]) -> String {
            let mut bytes = Vec::new();
            let mut i = 0;
            while i < text.len() {
                match text[i] {
                    b'+' => bytes.push(b' '),
                    b'%' => {
                        let hex = text.get(i + 1..i + 3);
                        let decoded = hex
                            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                            .and_then(|hex| std::str::from_utf8(hex).ok())
                            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                        if let Some(b) = decoded {
                            bytes.push(b);
                            i += 3;
                            continue;
                        }
                        bytes.push(b'%');
                    }
                    b => bytes.push(b),
                }
                i += 1;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }

        pub(super) fn fields(body: &[u8]) -> (Vec<u8>, bool) {
            let mut pairs: Vec<(String, String)> = body
                .split(|&b| b == b'&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| match pair.iter().position(|&b| b == b'=') {
                    Some(at) => (decode(&pair[..at]), decode(&pair[at + 1..])),
                    None => (decode(pair), String::new()),
                })
                .collect();
            let refused = pairs
                .iter()
                .any(|(name, _)| !name.starts_with(|c: char| c.is_ascii_alphabetic()));
            pairs.sort_unstable();
            pairs.dedup();
            let bytes = pairs
                .into_iter()
                .flat_map(|(name, value)| [name, value])
                .collect::<String>()
                .into_bytes();
            (bytes, refused)
        }
    }

    #[test]
    fn form_decoding_is_the_reference_on_every_short_text() {
        // Every text of up to 5 bytes over escapes, hex digits of both
        // cases, a non-hex letter, `+`, and UTF-8 both whole and broken.
        const ALPHABET: &[u8] = b"%+aF0g\xc3\xa9\xff=&";
        let mut text = Vec::new();
        let mut checked = 0;
        for len in 0..=5u32 {
            for mut n in 0..ALPHABET.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(ALPHABET[n % ALPHABET.len()]);
                    n /= ALPHABET.len();
                }
                assert_eq!(form_decode(&text), reference::decode(&text), "{text:?}");
                let fields = form_fields("https://h/p", &text).unwrap();
                let (bytes, refused) = reference::fields(&text);
                assert_eq!(fields.bytes, bytes, "{text:?}");
                assert_eq!(fields.refused.is_some(), refused, "{text:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, (0..=5).map(|len| 11usize.pow(len)).sum::<usize>());
    }

    #[test]
    fn form_fields_are_the_reference_on_twilio_shaped_bodies() {
        // Repeated names, identical pairs, a value that sorts before
        // another only once decoded (`%41` is `A`), empty fields and
        // values, a name without `=`, text that is not UTF-8.
        for body in [
            &b"To=%2B18005551212&CallSid=CA1&Digits=1234&From=%2B1&Caller=%2B1"[..],
            b"Tag=b&Tag=%41&Tag=A&Tag=a&Tag=b&Tag=B",
            b"B=1&A=2&&A=1&A&A=&Body=Hello+from+Twilio%21+Reply+STOP",
            b"Body=caf%C3%A9+%E9t%C3&Name=%ff%FE&x=%%41%4",
            b"a=b=c&a=b%3Dc&a=b",
        ] {
            let fields = form_fields("https://h/p", body).unwrap();
            let (bytes, refused) = reference::fields(body);
            assert_eq!(fields.bytes, bytes, "{:?}", String::from_utf8_lossy(body));
            assert_eq!(fields.refused.is_some(), refused);
        }
    }
}
