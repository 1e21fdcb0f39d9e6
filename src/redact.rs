//! Hides the credentials written inside URLs (`scheme://user:password@host`) before a value is
//! shown in a finding: a report names the host or port it is about, never the password.

/// `value` with every URL's password replaced by `***` (and a user name without a password,
/// which is often a token, too): `http://admin:***@localhost:11434`.
pub fn credentials(value: &str) -> String {
    mask_userinfo(value, |userinfo, out| match userinfo.split_once(':') {
        Some((user, _)) => {
            out.push_str(user);
            out.push_str(":***");
        }
        None => out.push_str("***"),
    })
}

/// `text` with the same secrets as [`credentials`] hides overwritten by `*`, byte for byte, so
/// every offset into it stays valid (for drawing source lines).
pub fn credentials_same_length(text: &str) -> String {
    mask_userinfo(text, |userinfo, out| {
        let secret_from = userinfo.find(':').map_or(0, |i| i + 1);
        out.push_str(&userinfo[..secret_from]);
        out.extend(std::iter::repeat_n('*', userinfo.len() - secret_from));
    })
}

/// `text` with the userinfo of each URL in it written by `mask` instead.
fn mask_userinfo(text: &str, mask: impl Fn(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in userinfo_ranges(text) {
        out.push_str(&text[at..start]);
        mask(&text[start..end], &mut out);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Byte ranges of the userinfo (before the `@`) of every `scheme://userinfo@host` in `text`.
fn userinfo_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|rest| rest.find("://")) {
        let start = from + i + 3;
        let rest = &text[start..];
        // The authority ends at the path, query or fragment, or where the value ends.
        let authority_len = rest
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let authority = &rest[..authority_len];
        if let Some(at) = authority.rfind('@')
            && at > 0
        {
            out.push((start, start + at));
        }
        from = start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_bare_tokens_are_hidden() {
        assert_eq!(
            credentials("http://admin:s3cret@localhost:11434/api"),
            "http://admin:***@localhost:11434/api"
        );
        assert_eq!(
            credentials("https://ghp_token@example.com"),
            "https://***@example.com"
        );
        assert_eq!(
            credentials("a http://u:p@h b https://x@y/z@w"),
            "a http://u:***@h b https://***@y/z@w"
        );
        assert_eq!(
            credentials("http://localhost:11434"),
            "http://localhost:11434"
        );
        assert_eq!(
            credentials("postgres://u:p@w@db/x"),
            "postgres://u:***@db/x"
        );
        assert_eq!(credentials("x://@h"), "x://@h");
        assert_eq!(credentials("://"), "://");
    }

    #[test]
    fn the_same_length_form_keeps_every_offset() {
        let text = "URL=http://admin:pässword@localhost:11434\nOTHER=1\n";
        let masked = credentials_same_length(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked,
            "URL=http://admin:*********@localhost:11434\nOTHER=1\n"
        );
        assert_eq!(credentials_same_length("s://tok@h"), "s://***@h");
    }
}
