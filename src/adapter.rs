//! What every HTTP adapter shares: the signature header's name, and
//! finding its one value in a request.

use http::HeaderName;

use crate::error::{Error, HeaderError};

/// `X-Unleeshed-Signature`, the header Unleeshed signs with, and the default.
pub const UNLEESHED_SIGNATURE: HeaderName = HeaderName::from_static("x-unleeshed-signature");

/// `Stripe-Signature`: Stripe signs with the same `t=…,v1=…` scheme.
pub const STRIPE_SIGNATURE: HeaderName = HeaderName::from_static("stripe-signature");

/// The one value of the signature header among all the values a request
/// carries for it.
///
/// A request that repeats the header is refused: there would be no single
/// value to trust, and a proxy could have added one.
#[cfg_attr(not(any(feature = "http", feature = "actix")), allow(dead_code))]
pub(crate) fn single_header_value<'a>(
    name: &HeaderName,
    mut values: impl Iterator<Item = &'a [u8]>,
) -> Result<&'a str, Error> {
    let Some(value) = values.next() else {
        return Err(Error::MissingHeader {
            header: name.clone(),
        });
    };
    if values.next().is_some() {
        return Err(Error::DuplicateHeader {
            header: name.clone(),
        });
    }
    std::str::from_utf8(value).map_err(|_| HeaderError::InvalidCharacter.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(list: &[&'static str]) -> impl Iterator<Item = &'static [u8]> {
        list.iter().map(|v| v.as_bytes())
    }

    #[test]
    fn exactly_one_value_is_accepted() {
        let name = UNLEESHED_SIGNATURE;
        assert_eq!(
            single_header_value(&name, values(&["t=1,v1=a"])).unwrap(),
            "t=1,v1=a"
        );
        assert!(matches!(
            single_header_value(&name, values(&[])),
            Err(Error::MissingHeader { .. })
        ));
        assert!(matches!(
            single_header_value(&name, values(&["a", "b"])),
            Err(Error::DuplicateHeader { .. })
        ));
        let opaque: [&[u8]; 1] = [b"t=1,v1=\xff"];
        assert!(matches!(
            single_header_value(&name, opaque.into_iter()),
            Err(Error::MalformedHeader(HeaderError::InvalidCharacter))
        ));
    }
}
