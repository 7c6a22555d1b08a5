//! Small text helpers both sides need.

/// Why `text` cannot be a name, a description or any other text Tandem writes to a server: it
/// holds a control character (C0, DEL or C1), which would reach both partners' configurations
/// and every page that shows it. `None` when it holds none.
pub fn control_character(what: &str, text: &str) -> Option<String> {
    text.chars().find(|c| c.is_control()).map(|c| {
        format!(
            "{what} may not hold control characters (it holds U+{:04X})",
            u32::from(c)
        )
    })
}

/// `next` when it is a path on this site to go to after sign-in, `None` otherwise: it starts
/// with one `/`, and holds no backslash, whitespace or control character (browsers drop tabs
/// and line breaks from a URL and read a backslash as `/`, so `/` + tab + `/evil.example`, or
/// `/` + backslash + `evil.example`, would leave the site).
pub fn local_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let safe = !rest.starts_with('/')
        && next.len() <= 2048
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    safe.then_some(next)
}

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

#[cfg(test)]
mod control_tests {
    use super::{control_character, local_path};

    #[test]
    fn only_paths_on_this_site_follow_sign_in() {
        for good in [
            "/",
            "/scopes",
            "/servers/dhcp1.contoso.com/scopes/10.0.0.0?page=2",
        ] {
            assert_eq!(local_path(good), Some(good));
        }
        for bad in [
            "",
            "scopes",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "/ /evil.example",
            "/x\\y",
            "https://evil.example/",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn control_characters_are_named_and_others_pass() {
        for bad in [
            "a\0b",
            "tab\there",
            "line\nbreak",
            "del\u{7f}",
            "c1\u{85}",
            "\u{9b}x",
        ] {
            assert!(control_character("a name", bad).is_some(), "{bad:?}");
        }
        assert_eq!(
            control_character("a name", "a\0b").unwrap(),
            "a name may not hold control characters (it holds U+0000)"
        );
        for good in ["", "Printer 3rd floor", "Zürich – Ω ✓", "a\u{200b}b"] {
            assert_eq!(control_character("a name", good), None, "{good:?}");
        }
    }
}
