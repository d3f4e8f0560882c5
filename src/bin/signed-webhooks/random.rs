//! Fresh ids for test events: unique, not secret, so the standard
//! library's randomly keyed SipHash serves (no dependency for it).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

pub struct Random {
    keys: RandomState,
    counter: u64,
}

impl Random {
    pub fn new() -> Self {
        Random {
            keys: RandomState::new(),
            counter: 0,
        }
    }

    fn next_u64(&mut self) -> u64 {
        let mut hasher = self.keys.build_hasher();
        hasher.write_u64(self.counter);
        self.counter += 1;
        hasher.finish()
    }

    fn below(&mut self, n: u8) -> u8 {
        // n <= 26: the modulo bias is negligible for test ids.
        (self.next_u64() % u64::from(n)) as u8
    }

    /// An id of the same shape as `example`: its prefix up to the last
    /// `_` kept (`evt_`, `whev_`), then as many random characters, each of
    /// the class of the one it replaces (hex stays hex in a UUID).
    pub fn like(&mut self, example: &str) -> String {
        let (prefix, rest) = match example.rfind('_') {
            Some(at) => example.split_at(at + 1),
            None => ("", example),
        };
        let hex = rest.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        let mut out = String::with_capacity(example.len());
        out.push_str(prefix);
        for c in rest.chars() {
            out.push(match c {
                _ if hex && c.is_ascii_hexdigit() => {
                    let digit = char::from_digit(u32::from(self.below(16)), 16).unwrap_or('0');
                    if c.is_ascii_uppercase() {
                        digit.to_ascii_uppercase()
                    } else {
                        digit
                    }
                }
                '0'..='9' => char::from(b'0' + self.below(10)),
                'a'..='z' => char::from(b'a' + self.below(26)),
                'A'..='Z' => char::from(b'A' + self.below(26)),
                other => other,
            });
        }
        out
    }

    /// A random (version 4) UUID, as GitHub and LeadLex send for ids.
    pub fn uuid(&mut self) -> String {
        let variant = ['8', '9', 'a', 'b'][usize::from(self.below(4))];
        let mut uuid: Vec<char> = self
            .like("00000000-0000-0000-0000-000000000000")
            .chars()
            .collect();
        uuid[14] = '4';
        uuid[19] = variant;
        uuid.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_shape() {
        let mut random = Random::new();
        for example in [
            "evt_1P9yA1LkdIwHu7ixZ9y8X7w6",
            "evt_01JD7X4K2M9Q8R5T3V6W1Y0Z2A",
            "evt_9c4f5dab-3e77-4081-8d6f-4c5b6a7f8e9d",
            "whev_MQD1skJRu1m2mHKkARe92bxT",
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        ] {
            let id = random.like(example);
            assert_ne!(id, example);
            let (prefix, rest) = example.split_at(example.rfind('_').unwrap() + 1);
            let new = id.strip_prefix(prefix).unwrap();
            assert_eq!(new.len(), rest.len());
            let uuid = rest.contains('-');
            for (a, b) in new.chars().zip(rest.chars()) {
                let class = |c: char| match c {
                    _ if uuid && c.is_ascii_hexdigit() => 'h',
                    '0'..='9' => 'd',
                    'a'..='z' => 'l',
                    'A'..='Z' => 'u',
                    other => other,
                };
                assert_eq!(class(a), class(b), "{id} for {example}");
            }
        }
        let uuid = random.uuid();
        assert_ne!(uuid, random.uuid());
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!("89ab".contains(&uuid[19..20]), "{uuid}");
    }
}
