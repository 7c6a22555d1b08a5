//! Small text helpers both sides need.

/// Percent-encodes everything but unreserved characters (RFC 3986) and those in `keep`.
pub fn percent_encode(s: &str, keep: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ if keep.as_bytes().contains(&b) => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A duration in seconds, as people say it: `8 days`, `1 hour 30 minutes`, `45 seconds`.
pub fn duration(secs: u32) -> String {
    let units = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut left = secs;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = left / size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
            left -= n * size;
        }
    }
    if parts.is_empty() {
        "0 seconds".into()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::{duration, percent_encode};

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(691_200), "8 days");
        assert_eq!(duration(5_400), "1 hour 30 minutes");
        assert_eq!(duration(0), "0 seconds");
    }

    #[test]
    fn reserved_bytes_are_encoded_unless_kept() {
        assert_eq!(percent_encode("a b/c&é", ""), "a%20b%2Fc%26%C3%A9");
        assert_eq!(percent_encode("/servers/x?y", "/"), "/servers/x%3Fy");
    }
}
