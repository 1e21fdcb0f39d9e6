//! `extra_hosts` entries in their list (`host:ip`, `host=ip`) and map forms.
//!
//! Behaviour of compose-go v2.14.0 `types/hostList.go` (SEMANTICS.md §f):
//! * a list item is split at its first `=`, or, when it has none, at its first `:` (so
//!   `h2:::1` is host `h2`, IP `::1`, and `h=::1` needs no brackets);
//! * the IP part may list several addresses separated by `,`; each one wrapped in `[…]` (and
//!   longer than the two brackets) loses its brackets;
//! * IPs are not validated (`host-gateway` and any other text are kept as written; an empty IP
//!   is allowed);
//! * a host that is empty or contains `:` or `=` is rejected: `bad host name '…'`; an item
//!   without separator: `invalid additional host, missing IP: …`;
//! * the result renders as sorted `host=ip` strings (`docker compose config`); the engine gets
//!   `host:ip`.
//!
//! Span-free like the rest of the typed layer: ranges are byte offsets inside the strings the
//! caller passed in (the list item, or the map key and value).

use std::fmt;
use std::ops::Range;

/// Where an entry came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntrySource {
    /// A list item; `host_range` and `ip_range` both index the item string.
    ListItem { separator: Separator },
    /// A map entry; `host_range` indexes the key, `ip_range` the value string, or, when the
    /// value is a sequence, its item number `value_index`. A null value gives an empty IP with
    /// an empty range.
    MapEntry { value_index: Option<usize> },
}

/// The separator a list item used between host and IP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    Equals,
    Colon,
}

/// One host → IP pair. An item with several comma-separated IPs yields one entry per IP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraHost {
    pub host: String,
    /// Brackets removed; may be empty or `host-gateway`; never validated.
    pub ip: String,
    pub host_range: Range<usize>,
    /// The IP without its brackets.
    pub ip_range: Range<usize>,
    pub source: EntrySource,
}

impl ExtraHost {
    /// `host=ip`, as `docker compose config` renders it.
    pub fn render(&self) -> String {
        format!("{}={}", self.host, self.ip)
    }

    /// `host:ip`, as Compose passes it to the engine.
    pub fn engine_form(&self) -> String {
        format!("{}:{}", self.host, self.ip)
    }

    /// The engine substitutes the host's gateway address for this value.
    pub fn is_host_gateway(&self) -> bool {
        self.ip == HOST_GATEWAY
    }
}

pub const HOST_GATEWAY: &str = "host-gateway";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtraHostErrorKind {
    MissingIp,
    BadHostName,
}

/// An `extra_hosts` error with Compose's exact text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraHostError {
    pub kind: ExtraHostErrorKind,
    pub message: String,
    /// For the list forms: the item (or map entry) number the error is about.
    pub index: Option<usize>,
}

impl fmt::Display for ExtraHostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExtraHostError {}

fn missing_ip(item: &str) -> ExtraHostError {
    ExtraHostError {
        kind: ExtraHostErrorKind::MissingIp,
        message: format!("invalid additional host, missing IP: {item}"),
        index: None,
    }
}

fn bad_host(host: &str) -> ExtraHostError {
    ExtraHostError {
        kind: ExtraHostErrorKind::BadHostName,
        message: format!("bad host name '{host}'"),
        index: None,
    }
}

fn check_host(host: &str) -> Result<(), ExtraHostError> {
    if host.is_empty() || host.contains([':', '=']) {
        Err(bad_host(host))
    } else {
        Ok(())
    }
}

/// The byte range of `ip` inside its text once brackets are removed: `[::1]` → `::1`, but
/// `[]` (nothing inside) is kept.
fn strip_brackets(text: &str, range: Range<usize>) -> Range<usize> {
    let ip = text.get(range.clone()).unwrap_or("");
    if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
        range.start + 1..range.end - 1
    } else {
        range
    }
}

/// Splits one list item without checking the host name (Compose checks host names only once
/// every item has been split, see [`parse_list`]).
fn split_item(item: &str) -> Result<Vec<ExtraHost>, ExtraHostError> {
    let (sep_at, separator) = match item.find('=') {
        Some(i) => (i, Separator::Equals),
        None => match item.find(':') {
            Some(i) => (i, Separator::Colon),
            None => return Err(missing_ip(item)),
        },
    };
    let host = &item[..sep_at];
    let mut entries = Vec::new();
    let mut start = sep_at + 1;
    // `split(',')` on the IP part, keeping offsets.
    loop {
        let end = item[start..]
            .find(',')
            .map_or(item.len(), |comma| start + comma);
        let ip_range = strip_brackets(item, start..end);
        entries.push(ExtraHost {
            host: host.to_string(),
            ip: item.get(ip_range.clone()).unwrap_or("").to_string(),
            host_range: 0..sep_at,
            ip_range,
            source: EntrySource::ListItem { separator },
        });
        if end >= item.len() {
            break;
        }
        start = end + 1;
    }
    Ok(entries)
}

/// Parses one list item (`host=ip`, `host:ip`, `host=ip1,ip2`).
pub fn parse_list_item(item: &str) -> Result<Vec<ExtraHost>, ExtraHostError> {
    let entries = split_item(item)?;
    if let Some(first) = entries.first() {
        check_host(&first.host)?;
    }
    Ok(entries)
}

/// Parses the list form. Errors follow Compose's precedence: the first item without a
/// separator wins over any bad host name (Compose splits every item before checking hosts);
/// among bad host names the first in item order is reported (Compose iterates a Go map, so
/// its choice between several is unspecified).
pub fn parse_list(items: &[&str]) -> Result<Vec<ExtraHost>, ExtraHostError> {
    let mut split = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        split.push(split_item(item).map_err(|e| ExtraHostError {
            index: Some(i),
            ..e
        })?);
    }
    for (i, entries) in split.iter().enumerate() {
        if let Some(first) = entries.first() {
            check_host(&first.host).map_err(|e| ExtraHostError {
                index: Some(i),
                ..e
            })?;
        }
    }
    Ok(split.into_iter().flatten().collect())
}

/// The value of a map-form entry (`host: ip`, `host: [ip1, ip2]`, `host:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapValue<'a> {
    /// `host:` / `host: null`: one entry with an empty IP.
    Null,
    One(&'a str),
    /// A sequence: one entry per item; an empty sequence gives none.
    Many(Vec<&'a str>),
}

/// Parses one map entry. IPs are not split on commas in this form.
pub fn parse_map_entry(host: &str, value: &MapValue<'_>) -> Result<Vec<ExtraHost>, ExtraHostError> {
    check_host(host)?;
    let entry = |ip_text: &str, value_index: Option<usize>| {
        let ip_range = strip_brackets(ip_text, 0..ip_text.len());
        ExtraHost {
            host: host.to_string(),
            ip: ip_text.get(ip_range.clone()).unwrap_or("").to_string(),
            host_range: 0..host.len(),
            ip_range,
            source: EntrySource::MapEntry { value_index },
        }
    };
    Ok(match value {
        MapValue::Null => vec![entry("", None)],
        MapValue::One(ip) => vec![entry(ip, None)],
        MapValue::Many(ips) => ips
            .iter()
            .enumerate()
            .map(|(j, ip)| entry(ip, Some(j)))
            .collect(),
    })
}

/// Parses the map form; the first bad host name in entry order is reported.
pub fn parse_map(entries: &[(&str, MapValue<'_>)]) -> Result<Vec<ExtraHost>, ExtraHostError> {
    let mut out = Vec::new();
    for (i, (host, value)) in entries.iter().enumerate() {
        out.extend(parse_map_entry(host, value).map_err(|e| ExtraHostError {
            index: Some(i),
            ..e
        })?);
    }
    Ok(out)
}

/// The `host=ip` strings in the order `docker compose config` prints them (byte-wise sorted;
/// duplicates kept).
pub fn render_sorted(entries: &[ExtraHost]) -> Vec<String> {
    let mut list: Vec<String> = entries.iter().map(ExtraHost::render).collect();
    list.sort();
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(entries: &[ExtraHost]) -> Vec<(&str, &str)> {
        entries
            .iter()
            .map(|e| (e.host.as_str(), e.ip.as_str()))
            .collect()
    }

    fn item(text: &str) -> Vec<ExtraHost> {
        parse_list_item(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// Every entry's ranges select its host and IP inside the item.
    fn assert_ranges(text: &str) {
        for e in item(text) {
            assert_eq!(&text[e.host_range.clone()], e.host, "{text}");
            assert_eq!(&text[e.ip_range.clone()], e.ip, "{text}");
        }
    }

    #[test]
    fn list_item_separators() {
        assert_eq!(
            pairs(&item("somehost:162.242.195.82")),
            [("somehost", "162.242.195.82")]
        );
        assert_eq!(
            pairs(&item("somehost=162.242.195.82")),
            [("somehost", "162.242.195.82")]
        );
        assert_eq!(pairs(&item("myhostv6=::1")), [("myhostv6", "::1")]);
        assert_eq!(pairs(&item("h2:::1")), [("h2", "::1")]);
        assert_eq!(pairs(&item("host=a:b")), [("host", "a:b")]);
        // '=' is preferred even when a ':' comes first, which leaves ':' in the host.
        assert_eq!(
            parse_list_item("a:b=1.2.3.4").unwrap_err().message,
            "bad host name 'a:b'"
        );
        assert_eq!(
            item("h2:::1")[0].source,
            EntrySource::ListItem {
                separator: Separator::Colon
            }
        );
        assert_eq!(
            item("h=1")[0].source,
            EntrySource::ListItem {
                separator: Separator::Equals
            }
        );
    }

    #[test]
    fn list_item_ip_lists_brackets_and_gateway() {
        assert_eq!(
            pairs(&item("foo=127.0.0.2,127.0.0.3")),
            [("foo", "127.0.0.2"), ("foo", "127.0.0.3")]
        );
        assert_eq!(pairs(&item("v6=[::1]")), [("v6", "::1")]);
        assert_eq!(
            pairs(&item("v6:[::1],[fe80::1]")),
            [("v6", "::1"), ("v6", "fe80::1")]
        );
        // "[]" is too short to be unwrapped; half brackets stay.
        assert_eq!(pairs(&item("x=[]")), [("x", "[]")]);
        assert_eq!(pairs(&item("x=[::1")), [("x", "[::1")]);
        let gw = item("host.docker.internal:host-gateway");
        assert_eq!(pairs(&gw), [("host.docker.internal", "host-gateway")]);
        assert!(gw[0].is_host_gateway());
        // No IP validation; empty IPs are kept.
        assert_eq!(pairs(&item("x=not-an-ip")), [("x", "not-an-ip")]);
        assert_eq!(pairs(&item("x=")), [("x", "")]);
        assert_eq!(pairs(&item("x=a,,b")), [("x", "a"), ("x", ""), ("x", "b")]);
        // No trimming.
        assert_eq!(pairs(&item(" x = 1")), [(" x ", " 1")]);
        for text in [
            "foo=127.0.0.2,127.0.0.3",
            "v6:[::1],[fe80::1]",
            "h2:::1",
            "x=a,,b",
            "x=",
            "héllo=[::1]",
        ] {
            assert_ranges(text);
        }
    }

    #[test]
    fn list_errors() {
        let e = parse_list_item("nohost").unwrap_err();
        assert_eq!(e.message, "invalid additional host, missing IP: nohost");
        assert_eq!(e.kind, ExtraHostErrorKind::MissingIp);
        assert_eq!(
            parse_list_item("=1.2.3.4").unwrap_err().message,
            "bad host name ''"
        );
        assert_eq!(
            parse_list_item(":1.2.3.4").unwrap_err().message,
            "bad host name ''"
        );
        assert_eq!(
            parse_list_item("").unwrap_err().message,
            "invalid additional host, missing IP: "
        );
        // A missing IP anywhere beats an earlier bad host name.
        let e = parse_list(&["=1.2.3.4", "ok=1.1.1.1", "nohost"]).unwrap_err();
        assert_eq!(e.message, "invalid additional host, missing IP: nohost");
        assert_eq!(e.index, Some(2));
        let e = parse_list(&["ok=1.1.1.1", "a:b=1", "=2"]).unwrap_err();
        assert_eq!(e.message, "bad host name 'a:b'");
        assert_eq!(e.index, Some(1));
    }

    #[test]
    fn map_form() {
        let entries = parse_map(&[
            ("somehost", MapValue::One("162.242.195.82")),
            ("otherhost", MapValue::Many(vec!["50.31.209.229", "[::1]"])),
            ("nullhost", MapValue::Null),
            ("nobody", MapValue::Many(vec![])),
        ])
        .unwrap();
        assert_eq!(
            pairs(&entries),
            [
                ("somehost", "162.242.195.82"),
                ("otherhost", "50.31.209.229"),
                ("otherhost", "::1"),
                ("nullhost", ""),
            ]
        );
        assert_eq!(entries[2].ip_range, 1..4);
        assert_eq!(
            entries[2].source,
            EntrySource::MapEntry {
                value_index: Some(1)
            }
        );
        assert_eq!(
            entries[0].source,
            EntrySource::MapEntry { value_index: None }
        );
        // Commas are not split in the map form.
        assert_eq!(
            pairs(&parse_map_entry("h", &MapValue::One("1.1.1.1,2.2.2.2")).unwrap()),
            [("h", "1.1.1.1,2.2.2.2")]
        );
        let e = parse_map(&[("ok", MapValue::One("1")), ("a=b", MapValue::One("1"))]).unwrap_err();
        assert_eq!(e.message, "bad host name 'a=b'");
        assert_eq!(e.index, Some(1));
        assert_eq!(
            parse_map_entry("", &MapValue::Null).unwrap_err().message,
            "bad host name ''"
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in ["é=ü", "=", ":", ",", "[,]", "é:[ü],[]", "a=,", "=,=", "[é]"] {
            let _ = parse_list_item(text);
            let _ = parse_map_entry(text, &MapValue::One(text));
        }
        assert_ranges("é:[ü],[]");
    }

    #[test]
    fn rendering() {
        let entries = parse_list(&["b:2", "a=[::1]", "b=1", "b=1"]).unwrap();
        assert_eq!(render_sorted(&entries), ["a=::1", "b=1", "b=1", "b=2"]);
        assert_eq!(entries[1].engine_form(), "a:::1");
    }

    /// The parsing half of the merge vectors with `extra_hosts` (merge.json): the list Compose
    /// holds after merging, parsed and rendered, gives the final service field.
    #[test]
    fn merge_vectors_parsing_part() {
        // TestMergeExtraHostsSequence and TestMergeExtraHostsMixed (same merged list).
        let merged = [
            "example.com=1.2.3.4",
            "localhost=127.0.0.1",
            "example.com=4.3.2.1",
        ];
        assert_eq!(
            render_sorted(&parse_list(&merged).unwrap()),
            [
                "example.com=1.2.3.4",
                "example.com=4.3.2.1",
                "localhost=127.0.0.1"
            ]
        );
        // TestMergeExtraHostsMapping: each side in map form.
        let base = parse_map(&[("example.com", MapValue::One("1.2.3.4"))]).unwrap();
        let over = parse_map(&[
            ("localhost", MapValue::One("127.0.0.1")),
            ("example.com", MapValue::Many(vec!["1.2.3.4", "4.3.2.1"])),
        ])
        .unwrap();
        let rendered_over: Vec<String> = over.iter().map(ExtraHost::render).collect();
        assert_eq!(
            rendered_over,
            [
                "localhost=127.0.0.1",
                "example.com=1.2.3.4",
                "example.com=4.3.2.1"
            ]
        );
        // Merge drops override items equal to a base item (that is the merge module's job;
        // done inline here only to reach the vector's final field).
        let base_rendered: Vec<String> = base.iter().map(ExtraHost::render).collect();
        let mut all = base.clone();
        all.extend(
            over.into_iter()
                .filter(|e| !base_rendered.contains(&e.render())),
        );
        assert_eq!(
            render_sorted(&all),
            [
                "example.com=1.2.3.4",
                "example.com=4.3.2.1",
                "localhost=127.0.0.1"
            ]
        );
        // Test_mergeYamlBuildSequence (build.extra_hosts; the vector itself fails schema
        // validation for an unrelated key, the merge-level list is what is checked here).
        let build = [
            "somehost=162.242.195.82",
            "otherhost=50.31.209.229",
            "otherhost=50.31.209.230",
            "myhostv6=::1",
        ];
        let parsed = parse_list(&build).unwrap();
        assert_eq!(
            pairs(&parsed),
            [
                ("somehost", "162.242.195.82"),
                ("otherhost", "50.31.209.229"),
                ("otherhost", "50.31.209.230"),
                ("myhostv6", "::1"),
            ]
        );
        assert_eq!(
            render_sorted(&parsed),
            [
                "myhostv6=::1",
                "otherhost=50.31.209.229",
                "otherhost=50.31.209.230",
                "somehost=162.242.195.82",
            ]
        );
    }
}
