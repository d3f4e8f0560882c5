//! Times: the system clock in Unix seconds, and the RFC 3339 times some
//! providers put inside their signed bodies.

use std::time::{SystemTime, UNIX_EPOCH};

/// The system clock in Unix seconds; negative before 1970.
pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// Parses an RFC 3339 date-time (`2026-04-17T14:23:05Z`,
/// `2026-04-17T14:23:05.123+02:00`) into Unix seconds, fractions of a
/// second dropped. `None` for anything else, leap seconds included (no
/// provider sends one, and a `:60` would only shift a time by a second).
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(i, c)| b[i] != c) || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (hours, minutes) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix seconds as RFC 3339 UTC text (`2026-04-17T14:23:05Z`, or
/// `2026-04-17T14:23:05.000Z` with `millis`), as Commet and LeadLex write
/// the time in their bodies: for the signer's fixtures, the command, tests
/// and benches (Howard Hinnant's `civil_from_days`).
pub fn format_rfc3339(seconds: i64, millis: bool) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        if millis { ".000" } else { "" },
    )
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar
/// (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_providers_send() {
        // Expected values from Python:
        // datetime.fromisoformat(s).timestamp()
        for (text, expected) in [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-04-17T14:23:05Z", 1_776_435_785),
            ("2026-04-17T14:23:05.123Z", 1_776_435_785),
            ("2026-04-17T14:23:05.123456789Z", 1_776_435_785),
            ("2026-04-17T16:23:05+02:00", 1_776_435_785),
            ("2026-04-17T09:23:05-05:00", 1_776_435_785),
            ("2024-02-29T23:59:59Z", 1_709_251_199),
            ("2000-03-01T00:00:00Z", 951_868_800),
            ("1969-12-31T23:59:59Z", -1),
            ("2026-11-22t10:00:00z", 1_795_341_600),
        ] {
            assert_eq!(parse_rfc3339(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for text in [
            "",
            "2026-04-17",
            "2026-04-17T14:23:05",
            "2026-04-17T14:23:05+0200",
            "2026-13-17T14:23:05Z",
            "2026-02-29T14:23:05Z",
            "2026-04-31T14:23:05Z",
            "2026-04-17T24:00:00Z",
            "2026-04-17T14:60:05Z",
            "2026-04-17T14:23:60Z",
            "2026-04-17T14:23:05.Z",
            "2026-04-17T14:23:05ZZ",
            "2026-04-17X14:23:05Z",
            "+2026-04-17T14:23:05Z",
            "2026-04-17T14:23:05+24:00",
            "２０２６-04-17T14:23:05Z",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text:?}");
        }
    }

    #[test]
    fn formats_what_it_parses() {
        assert_eq!(format_rfc3339(0, false), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_rfc3339(1_782_225_000, true),
            "2026-06-23T14:30:00.000Z"
        );
        assert_eq!(format_rfc3339(-1, false), "1969-12-31T23:59:59Z");
        // Every day from 1900 to 2200, at a time that moves through the day.
        let mut t = -2_208_988_800;
        while t < 7_258_118_400 {
            for millis in [false, true] {
                assert_eq!(parse_rfc3339(&format_rfc3339(t, millis)), Some(t), "{t}");
            }
            t += 86_400 + 3_607;
        }
    }

    #[test]
    fn days_from_civil_counts_every_day() {
        let mut expected = days_from_civil(1600, 1, 1);
        for year in 1600..2500 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), expected);
                    expected += 1;
                }
            }
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
