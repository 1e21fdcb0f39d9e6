//! Port mappings: short and long syntax, normalised as Compose normalises them.
//!
//! Everything here is span-free: functions take the already-extracted (and interpolated)
//! values and return typed results; the loader attaches file spans. Byte ranges returned for
//! the short syntax are offsets inside the spec string the caller passed in.
//!
//! Behaviour follows compose-go v2.14.0 with docker/go-connections v0.7.0 (the versions Docker
//! Compose ships), see SEMANTICS.md §e and §d.3:
//!
//! * short syntax: `nat.ParsePortSpec` grammar and error texts, then compose-go's
//!   `ParsePortConfig`, which orders the resulting entries by the *string* `"<port>/<proto>"`
//!   (so `"98-101"` yields 100, 101, 98, 99);
//! * canonicalisation (`transform/ports.go`): a YAML int becomes `{target: n}`, a float is
//!   rejected, a string expands to one entry per container port, zero-valued fields of the
//!   expanded entries are dropped (which is why `"80:0"` later lacks a target);
//! * de-duplication (`override/uncity.go#portIndexer`): entries are keyed by a formatted
//!   string, which also raises the "missing a target port" error;
//! * defaults: `protocol: tcp`, `mode: ingress` when the key is absent.

use crate::go_format::{go_float, go_quote};
use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use serde_json::{Map, Value};

pub const DEFAULT_PROTOCOL: &str = "tcp";
pub const DEFAULT_MODE: &str = "ingress";

/// A port error with Compose's exact text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortError {
    pub message: String,
}

impl PortError {
    fn new(message: impl Into<String>) -> Self {
        PortError {
            message: message.into(),
        }
    }
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PortError {}

/// One normalised port entry (compose-go `types.ServicePortConfig`).
///
/// Empty strings are stored as `None`, matching the `omitempty` rendering. `target` 0 means
/// "no target" (Compose omits it too).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortMapping {
    pub target: u32,
    pub published: Option<String>,
    pub host_ip: Option<String>,
    pub protocol: String,
    pub mode: String,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
    /// Short syntax only: the container port (or container range) text inside the spec.
    pub target_range: Option<Range<usize>>,
    /// Short syntax only: the host port (or host range) text inside the spec.
    pub published_range: Option<Range<usize>>,
    /// Short syntax only: the host IP text inside the spec, brackets included (`[::1]`).
    pub host_ip_range: Option<Range<usize>>,
    /// Short syntax only: the protocol text after `/`, when written.
    pub protocol_range: Option<Range<usize>>,
}

impl PortMapping {
    fn with_target(target: u32) -> Self {
        PortMapping {
            target,
            published: None,
            host_ip: None,
            protocol: DEFAULT_PROTOCOL.to_string(),
            mode: DEFAULT_MODE.to_string(),
            name: None,
            app_protocol: None,
            target_range: None,
            published_range: None,
            host_ip_range: None,
            protocol_range: None,
        }
    }

    /// The host side this mapping binds, or `None` for a container-only port (no `published`),
    /// which binds nothing the user chose (the engine picks a free ephemeral port).
    pub fn host_binding(&self) -> Option<HostBinding> {
        let published = self.published.as_deref()?;
        let address = match self.host_ip.as_deref() {
            None => BindAddress::AllInterfaces,
            Some(ip) => match ip.parse::<IpAddr>() {
                Ok(ip) => BindAddress::Ip(ip),
                Err(_) => BindAddress::Unparsed(ip.to_string()),
            },
        };
        Some(HostBinding {
            address,
            ports: published_ports(published),
            protocol: self.protocol.to_ascii_lowercase(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Short syntax
// ---------------------------------------------------------------------------------------------

/// Parses a short-syntax spec `[[IP:]HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTO]` exactly as
/// Docker Compose does (`ParsePortConfig`). Whitespace is not trimmed. A container range yields
/// one entry per port, ordered by the string `"<port>/<proto>"`. Entries may have `target` 0
/// (`"80:0"`); Compose rejects those later, see [`canonicalize`].
pub fn parse_short(spec: &str) -> Result<Vec<PortMapping>, PortError> {
    let parts = split_parts(spec);
    let container_field = parts.container.clone();
    let container_text = &spec[container_field.clone()];
    // The protocol is cut at the first '/'; anything after it (even more slashes) is protocol.
    let (port_range, proto_range) = match container_text.find('/') {
        Some(slash) => (
            container_field.start..container_field.start + slash,
            Some(container_field.start + slash + 1..container_field.end),
        ),
        None => (container_field.clone(), None),
    };
    let container_port = &spec[port_range.clone()];
    if container_port.is_empty() {
        return Err(PortError::new(format!("no port specified: {spec}<empty>")));
    }
    let proto = match &proto_range {
        Some(r) if !r.is_empty() => go_to_lower(&spec[r.clone()]),
        _ => DEFAULT_PROTOCOL.to_string(),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(PortError::new(format!("invalid proto: {proto}")));
    }

    let mut host_ip: Option<(String, Range<usize>)> = None;
    if let Some(ip_range) = parts.ip.clone() {
        let raw_ip = &spec[ip_range.clone()];
        let ip = if raw_ip.starts_with('[') {
            strip_ip_brackets(raw_ip)?
        } else {
            raw_ip
        };
        if !ip.is_empty() {
            if !is_go_ip(ip) {
                return Err(PortError::new(format!("invalid IP address: {ip}")));
            }
            host_ip = Some((ip.to_string(), ip_range));
        }
    }

    let Some((start, end)) = parse_port_range(container_port) else {
        return Err(PortError::new(format!(
            "invalid containerPort: {container_port}"
        )));
    };

    let host_field = parts.host.clone().filter(|r| !r.is_empty());
    let mut host_ports: Option<(u16, u16)> = None;
    if let Some(r) = &host_field {
        let host_port = &spec[r.clone()];
        let Some((host_start, host_end)) = parse_port_range(host_port) else {
            return Err(PortError::new(format!("invalid hostPort: {host_port}")));
        };
        // A host range of a different length is only allowed for a single container port: the
        // engine then picks one free port of the host range.
        if end - start != host_end - host_start && end != start {
            return Err(PortError::new(format!(
                "invalid ranges specified for container and host Ports: {container_port} and {host_port}"
            )));
        }
        host_ports = Some((host_start, host_end));
    }

    let count = u32::from(end - start) + 1;
    let mut mappings: Vec<PortMapping> = (0..count)
        .map(|i| {
            let target = u32::from(start) + i;
            let published = host_ports.map(|(host_start, host_end)| {
                let first = u32::from(host_start) + i;
                if count == 1 && host_start != host_end {
                    format!("{first}-{host_end}")
                } else {
                    first.to_string()
                }
            });
            PortMapping {
                target,
                published,
                host_ip: host_ip.as_ref().map(|(ip, _)| ip.clone()),
                protocol: proto.clone(),
                mode: DEFAULT_MODE.to_string(),
                name: None,
                app_protocol: None,
                target_range: Some(port_range.clone()),
                published_range: host_field.clone(),
                host_ip_range: host_ip.as_ref().map(|(_, r)| r.clone()),
                protocol_range: proto_range.clone(),
            }
        })
        .collect();
    // compose-go sorts the keys of go-connections' port map as strings ("100/tcp" < "98/tcp").
    mappings.sort_by_cached_key(|m| m.target.to_string());
    Ok(mappings)
}

struct SpecParts {
    ip: Option<Range<usize>>,
    host: Option<Range<usize>>,
    container: Range<usize>,
}

/// Splits on ':' the way go-connections does: the last field is the container port, the one
/// before it the host port, and everything before that (colons included) the IP, which is how
/// a bare IPv6 address like `::1:6000:6000` works.
fn split_parts(spec: &str) -> SpecParts {
    let colons: Vec<usize> = spec.match_indices(':').map(|(i, _)| i).collect();
    match colons.as_slice() {
        [] => SpecParts {
            ip: None,
            host: None,
            container: 0..spec.len(),
        },
        [only] => SpecParts {
            ip: None,
            host: Some(0..*only),
            container: only + 1..spec.len(),
        },
        [.., before_last, last] => SpecParts {
            ip: Some(0..*before_last),
            host: Some(before_last + 1..*last),
            container: last + 1..spec.len(),
        },
    }
}

/// Removes `[` `]` around an IP the way go-connections does (`net.SplitHostPort(ip + ":")`),
/// with Go's error texts.
fn strip_ip_brackets(ip: &str) -> Result<&str, PortError> {
    let fail = |why: &str| PortError::new(format!("invalid IP address {ip}: address {ip}:: {why}"));
    let Some(close) = ip.find(']') else {
        return Err(fail("missing ']' in address"));
    };
    // In `ip + ":"` the last colon is the appended one, so ']' must be the last byte of `ip`.
    if close + 1 != ip.len() {
        return Err(match ip.as_bytes().get(close + 1) {
            Some(b':') => fail("too many colons in address"),
            _ => fail("missing port in address"),
        });
    }
    let host = ip.get(1..close).unwrap_or("");
    if host.contains('[') {
        return Err(fail("unexpected '[' in address"));
    }
    Ok(host)
}

/// Go's `net.ParseIP`: dotted-quad IPv4 without leading zeros, or IPv6 (optionally ending in
/// a dotted quad) without a zone. Rust's parsers accept exactly the same forms.
fn is_go_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

/// Go's `strings.ToLower` for the protocol: per-character lowering. (Go maps a few special
/// characters to a single rune where Rust yields several; that only changes the text of an
/// `invalid proto` error for such input, never whether a protocol is valid.)
fn go_to_lower(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// Go's `strconv.ParseInt(s, 10, 64)`: optional sign, then at least one ASCII digit.
fn parse_go_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        let digit = i64::from(b - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// go-connections `parsePortNumber`: a Go integer in 0..=65535.
fn parse_port_number(s: &str) -> Option<u16> {
    u16::try_from(parse_go_int(s)?).ok()
}

/// go-connections `parsePortRange`: `N` or `N-M` (split at the first `-`, `M >= N`), each a
/// port number as Go parses integers (`+80` and `080` are 80).
pub fn parse_port_range(s: &str) -> Option<(u16, u16)> {
    if s.is_empty() {
        return None;
    }
    let (start_text, end_text) = match s.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let start = parse_port_number(start_text)?;
    let end_text = match end_text {
        Some(e) if e != start_text => e,
        _ => return Some((start, start)),
    };
    let end = parse_port_number(end_text)?;
    if end < start {
        return None;
    }
    Some((start, end))
}

// ---------------------------------------------------------------------------------------------
// Long syntax, integer and float items
// ---------------------------------------------------------------------------------------------

/// `target:` of a long-syntax entry as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetValue {
    /// A YAML integer.
    Int(i64),
    /// A string (quoted, or the result of interpolation); Compose casts it with `strconv.Atoi`.
    Str(String),
}

/// `published:` of a long-syntax entry as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublishedValue {
    /// A YAML integer; stored as its decimal string.
    Int(i64),
    Str(String),
}

/// The fields of a long-syntax entry, already extracted and interpolated. `None` = key absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LongPort {
    pub target: Option<TargetValue>,
    pub published: Option<PublishedValue>,
    pub host_ip: Option<String>,
    pub protocol: Option<String>,
    pub mode: Option<String>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

/// `service ports <item_path> is missing a target port` (compose-go `portIndexer`), e.g. with
/// `item_path` = `services.s.ports.[0]`.
pub fn missing_target_error(item_path: &str) -> PortError {
    PortError::new(format!(
        "service ports {item_path} is missing a target port"
    ))
}

/// The error for a list item of an unsupported YAML type, e.g. `go_type` = `float64` for an
/// unquoted `56.0`. Compose names the list, not the item: `services.s.ports: invalid type
/// float64 for port`.
pub fn invalid_item_type_error(list_path: &str, go_type: &str) -> PortError {
    PortError::new(format!("{list_path}: invalid type {go_type} for port"))
}

/// Casts a long-syntax `target` string as Compose's interpolation does (`strconv.Atoi`), with
/// its error text (`error while interpolating <item_path>.target: failed to cast to expected
/// type: strconv.Atoi: parsing "x": invalid syntax`).
pub fn cast_target(value: &TargetValue, item_path: &str) -> Result<i64, PortError> {
    match value {
        TargetValue::Int(n) => Ok(*n),
        TargetValue::Str(s) => parse_go_int(s).ok_or_else(|| {
            let reason = if is_go_int_syntax(s) {
                "value out of range"
            } else {
                "invalid syntax"
            };
            PortError::new(format!(
                "error while interpolating {item_path}.target: failed to cast to expected type: \
                 strconv.Atoi: parsing {}: {reason}",
                go_quote(s)
            ))
        }),
    }
}

fn is_go_int_syntax(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Converts an integer target to the model's `uint32`. Compose-go leaves this to its struct
/// decoder; values outside 0..=4294967295 fail there. The wording of this error is ours (not
/// verified against Compose).
fn target_to_u32(target: i64, item_path: &str) -> Result<u32, PortError> {
    u32::try_from(target).map_err(|_| {
        PortError::new(format!(
            "{item_path}.target: {target} is not a valid port number"
        ))
    })
}

/// Normalises a long-syntax entry: target cast to an integer, `published` as a string,
/// `protocol` defaulting to `tcp` and `mode` to `ingress` when absent (a present but empty
/// value stays empty, as in Compose). Neither protocol nor mode is validated or lower-cased.
pub fn normalize_long(port: &LongPort, item_path: &str) -> Result<PortMapping, PortError> {
    let Some(target) = &port.target else {
        return Err(missing_target_error(item_path));
    };
    let target = target_to_u32(cast_target(target, item_path)?, item_path)?;
    let non_empty = |s: &Option<String>| s.clone().filter(|v| !v.is_empty());
    let published = match &port.published {
        None => None,
        Some(PublishedValue::Int(n)) => Some(n.to_string()),
        Some(PublishedValue::Str(s)) => Some(s.clone()).filter(|v| !v.is_empty()),
    };
    Ok(PortMapping {
        target,
        published,
        host_ip: non_empty(&port.host_ip),
        protocol: port
            .protocol
            .clone()
            .unwrap_or_else(|| DEFAULT_PROTOCOL.to_string()),
        mode: port
            .mode
            .clone()
            .unwrap_or_else(|| DEFAULT_MODE.to_string()),
        name: non_empty(&port.name),
        app_protocol: non_empty(&port.app_protocol),
        target_range: None,
        published_range: None,
        host_ip_range: None,
        protocol_range: None,
    })
}

/// A YAML integer list item (`- 8600`): a container-only port, `{target: 8600}`.
pub fn from_int(value: i64, item_path: &str) -> Result<PortMapping, PortError> {
    Ok(PortMapping::with_target(target_to_u32(value, item_path)?))
}

// ---------------------------------------------------------------------------------------------
// A whole `ports:` list
// ---------------------------------------------------------------------------------------------

/// One item of a `ports:` list as written (after interpolation).
#[derive(Clone, Debug, PartialEq)]
pub enum PortItem {
    Str(String),
    Int(i64),
    Float(f64),
    Long(LongPort),
}

/// Canonicalises one service's `ports:` list as Compose does for a single file: the first
/// de-duplication pass on the items as written, expansion of each item, the second
/// de-duplication pass on the expanded entries, defaults. `list_path` is e.g.
/// `services.s.ports`; item paths in errors are `<list_path>.[i]`, where `i` counts the list
/// being de-duplicated (so the `"80:0"` error names its index *after* expansion).
///
/// Errors come in Compose's order: a long item without target (first pass), then the first
/// item that fails to expand (string syntax error, float), then an expanded entry without
/// target. A target string that does not cast is reported first of all (Compose does that
/// while interpolating; it joins several such errors where this stops at the first).
pub fn canonicalize(items: &[PortItem], list_path: &str) -> Result<Vec<PortMapping>, PortError> {
    let item_path = |i: usize| format!("{list_path}.[{i}]");

    // Interpolation-time cast of string targets.
    let mut casted: Vec<PortItem> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item = match item {
            PortItem::Long(long) => {
                let mut long = long.clone();
                if let Some(target) = &long.target {
                    long.target = Some(TargetValue::Int(cast_target(target, &item_path(i))?));
                }
                PortItem::Long(long)
            }
            other => other.clone(),
        };
        casted.push(item);
    }

    // First de-duplication pass, on the items as written.
    let mut raw_keys = Vec::with_capacity(casted.len());
    for (i, item) in casted.iter().enumerate() {
        raw_keys.push(raw_unicity_key(item, &item_path(i))?);
    }
    let casted = dedup_by_key(casted, raw_keys);

    // Expansion.
    let mut expanded: Vec<Canonical> = Vec::new();
    for item in &casted {
        match item {
            PortItem::Str(spec) => {
                for m in parse_short(spec)? {
                    expanded.push(Canonical::Short(m));
                }
            }
            PortItem::Int(n) => expanded.push(Canonical::Int(*n)),
            PortItem::Float(_) => return Err(invalid_item_type_error(list_path, "float64")),
            PortItem::Long(long) => expanded.push(Canonical::Long(long.clone())),
        }
    }

    // Second de-duplication pass, on the expanded entries.
    let mut keys = Vec::with_capacity(expanded.len());
    for (i, entry) in expanded.iter().enumerate() {
        keys.push(entry.unicity_key(&item_path(i))?);
    }
    let expanded = dedup_by_key(expanded, keys);

    let mut out = Vec::with_capacity(expanded.len());
    for (i, entry) in expanded.into_iter().enumerate() {
        out.push(match entry {
            Canonical::Short(m) => m,
            Canonical::Int(n) => from_int(n, &item_path(i))?,
            Canonical::Long(long) => normalize_long(&long, &item_path(i))?,
        });
    }
    Ok(out)
}

/// An entry of the expanded list, remembering what it was written as (the de-duplication key
/// depends on it).
enum Canonical {
    Short(PortMapping),
    Int(i64),
    Long(LongPort),
}

impl Canonical {
    fn unicity_key(&self, item_path: &str) -> Result<String, PortError> {
        match self {
            // Expanded short entries drop zero-valued fields, so target 0 is a missing target.
            Canonical::Short(m) => {
                if m.target == 0 {
                    return Err(missing_target_error(item_path));
                }
                let published = match &m.published {
                    Some(p) => p.clone(),
                    None => GO_NIL_AS_STRING.to_string(),
                };
                Ok(format!(
                    "{}:{}:{}/{}",
                    m.host_ip.as_deref().unwrap_or("0.0.0.0"),
                    published,
                    m.target,
                    m.protocol
                ))
            }
            Canonical::Int(n) => Ok(format!("0.0.0.0:{GO_NIL_AS_STRING}:{n}/tcp")),
            Canonical::Long(long) => long_unicity_key(long, item_path),
        }
    }
}

/// What Go's `%s` prints for an absent map value.
const GO_NIL_AS_STRING: &str = "%!s(<nil>)";

/// The key Compose de-duplicates a long-syntax entry by: `"<host_ip|0.0.0.0>:<published>:
/// <target>/<protocol|tcp>"` formatted with Go's `%s`, so an integer `published` prints as
/// `%!s(int=8080)` and never equals the short syntax's `8080` (SEMANTICS.md §d.3).
pub fn long_unicity_key(port: &LongPort, item_path: &str) -> Result<String, PortError> {
    let target = match &port.target {
        None => return Err(missing_target_error(item_path)),
        Some(TargetValue::Int(n)) => n.to_string(),
        Some(TargetValue::Str(s)) => format!("%!d(string={s})"),
    };
    let published = match &port.published {
        None => GO_NIL_AS_STRING.to_string(),
        Some(PublishedValue::Str(s)) => s.clone(),
        Some(PublishedValue::Int(n)) => format!("%!s(int={n})"),
    };
    Ok(format!(
        "{}:{}:{}/{}",
        port.host_ip.as_deref().unwrap_or("0.0.0.0"),
        published,
        target,
        port.protocol.as_deref().unwrap_or(DEFAULT_PROTOCOL)
    ))
}

/// The key of an item as written, for the de-duplication pass that runs before expansion: a
/// string is its own key, an integer its decimal text (so `80` and `"80"` collide), a mapping
/// its [`long_unicity_key`]; other types all share the empty key, as in Compose.
pub fn raw_unicity_key(item: &PortItem, item_path: &str) -> Result<String, PortError> {
    match item {
        PortItem::Str(s) => Ok(s.clone()),
        PortItem::Int(n) => Ok(n.to_string()),
        PortItem::Float(_) => Ok(String::new()),
        PortItem::Long(long) => long_unicity_key(long, item_path),
    }
}

/// Keeps the first position of each key; a later entry with the same key replaces the value
/// at that position (compose-go `EnforceUnicity`).
fn dedup_by_key<T>(entries: Vec<T>, keys: Vec<String>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(entries.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (entry, key) in entries.into_iter().zip(keys) {
        match seen.get(&key) {
            Some(&j) => {
                if let Some(slot) = out.get_mut(j) {
                    *slot = entry;
                }
            }
            None => {
                seen.insert(key, out.len());
                out.push(entry);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// The entry as `docker compose config --format json` prints it: `target` a number (omitted
/// when 0), `published` a string, empty fields omitted.
pub fn to_config_json(m: &PortMapping) -> Value {
    let mut obj = Map::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            obj.insert(key.to_string(), Value::String(v.to_string()));
        }
    };
    put("name", m.name.as_deref());
    put("mode", Some(&m.mode));
    put("host_ip", m.host_ip.as_deref());
    put("published", m.published.as_deref());
    put("protocol", Some(&m.protocol));
    put("app_protocol", m.app_protocol.as_deref());
    if m.target != 0 {
        obj.insert("target".to_string(), Value::from(m.target));
    }
    Value::Object(obj)
}

// ---------------------------------------------------------------------------------------------
// What a mapping binds on the host
// ---------------------------------------------------------------------------------------------

/// The host address a published port listens on.
///
/// Overlap rules (what the duplicate-published-port rule needs):
/// * [`BindAddress::AllInterfaces`] (no `host_ip`): Docker binds `0.0.0.0` *and* `[::]`, so it
///   overlaps every address of both families;
/// * `0.0.0.0` overlaps every IPv4 address, and `::` every IPv6 address, but IPv4 and IPv6
///   never overlap each other (Docker binds `::` IPv6-only; an IPv4-mapped IPv6 address such
///   as `::ffff:127.0.0.1` is treated as IPv6);
/// * two specific addresses overlap only when equal;
/// * a `host_ip` that is not an IP (long syntax is not validated) overlaps only the same text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindAddress {
    AllInterfaces,
    Ip(IpAddr),
    Unparsed(String),
}

impl BindAddress {
    pub fn overlaps(&self, other: &BindAddress) -> bool {
        use BindAddress::*;
        match (self, other) {
            (AllInterfaces, _) | (_, AllInterfaces) => true,
            (Ip(a), Ip(b)) => match (a, b) {
                (IpAddr::V4(x), IpAddr::V4(y)) => {
                    x.is_unspecified() || y.is_unspecified() || x == y
                }
                (IpAddr::V6(x), IpAddr::V6(y)) => {
                    x.is_unspecified() || y.is_unspecified() || x == y
                }
                _ => false,
            },
            (Unparsed(a), Unparsed(b)) => a == b,
            _ => false,
        }
    }
}

/// Which host ports a published value occupies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostPorts {
    /// Exactly this port.
    Fixed(u16),
    /// One free port out of `start..=end`, chosen by the engine (`"8000-9000:80"`; the
    /// pairwise form `"80-81:80-81"` is already split into fixed ports by [`parse_short`]).
    OneOf { start: u16, end: u16 },
    /// Port 0: an ephemeral port chosen by the engine.
    Ephemeral,
    /// Not a port or range (possible in the long syntax, which Compose does not validate).
    Unparsed(String),
}

impl HostPorts {
    /// The ports this value may occupy, as an inclusive range (`None` for ephemeral/unparsed).
    pub fn candidates(&self) -> Option<(u16, u16)> {
        match self {
            HostPorts::Fixed(p) => Some((*p, *p)),
            HostPorts::OneOf { start, end } => Some((*start, *end)),
            HostPorts::Ephemeral | HostPorts::Unparsed(_) => None,
        }
    }
}

/// Interprets a `published` value (`"8080"`, `"8000-9000"`, `"0"`) with go-connections' range
/// grammar.
pub fn published_ports(published: &str) -> HostPorts {
    match parse_port_range(published) {
        Some((0, 0)) => HostPorts::Ephemeral,
        Some((start, end)) if start == end => HostPorts::Fixed(start),
        Some((start, end)) => HostPorts::OneOf { start, end },
        None => HostPorts::Unparsed(published.to_string()),
    }
}

/// The concrete host-side binding of one mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostBinding {
    pub address: BindAddress,
    pub ports: HostPorts,
    /// Lower-cased; tcp, udp and sctp bindings never collide with each other.
    pub protocol: String,
}

/// How two host bindings collide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    /// They can both be bound.
    Disjoint,
    /// They may collide, depending on the port the engine picks from a range.
    Possible,
    /// The same port on overlapping addresses with the same protocol.
    Certain,
}

/// Whether two host bindings compete for the same socket.
pub fn overlap(a: &HostBinding, b: &HostBinding) -> Overlap {
    if a.protocol != b.protocol || !a.address.overlaps(&b.address) {
        return Overlap::Disjoint;
    }
    match (&a.ports, &b.ports) {
        (HostPorts::Fixed(x), HostPorts::Fixed(y)) => {
            if x == y {
                Overlap::Certain
            } else {
                Overlap::Disjoint
            }
        }
        (HostPorts::Unparsed(x), HostPorts::Unparsed(y)) if x == y => Overlap::Possible,
        (pa, pb) => match (pa.candidates(), pb.candidates()) {
            (Some((s1, e1)), Some((s2, e2))) if s1 <= e2 && s2 <= e1 => Overlap::Possible,
            _ => Overlap::Disjoint,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// expose
// ---------------------------------------------------------------------------------------------

/// An `expose` string entry is kept exactly as written.
pub fn expose_from_str(entry: &str) -> String {
    entry.to_string()
}

/// An `expose` integer entry becomes its decimal string.
pub fn expose_from_int(entry: i64) -> String {
    entry.to_string()
}

/// A float `expose` entry (`- 80.5`) is rejected when Compose de-duplicates the list:
/// `services.s.expose.[0]: unsupported expose value %!s(float64=80.5)`.
pub fn expose_float_error(entry: f64, item_path: &str) -> PortError {
    PortError::new(format!(
        "{item_path}: unsupported expose value %!s(float64={})",
        go_float(entry)
    ))
}

/// The container ports an `expose` entry names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExposedPorts {
    pub start: u16,
    pub end: u16,
    pub protocol: String,
}

/// Reads `"<port>[/proto]"` or `"<start>-<end>[/proto]"` (go-connections grammar, protocol
/// lower-cased, default tcp). `None` when it is not a port or range.
pub fn parse_expose(entry: &str) -> Option<ExposedPorts> {
    let (port, proto) = match entry.split_once('/') {
        Some((p, proto)) => (p, proto),
        None => (entry, ""),
    };
    let (start, end) = parse_port_range(port)?;
    let protocol = if proto.is_empty() {
        DEFAULT_PROTOCOL.to_string()
    } else {
        go_to_lower(proto)
    };
    Some(ExposedPorts {
        start,
        end,
        protocol,
    })
}

// ---------------------------------------------------------------------------------------------
// Go formatting helpers (only for reproducing Compose's error texts)
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (u32, Option<String>, Option<String>, String);

    fn short(spec: &str) -> Vec<Row> {
        parse_short(spec)
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
            .into_iter()
            .map(|m| (m.target, m.published, m.host_ip, m.protocol))
            .collect()
    }

    fn row(target: u32, published: Option<&str>, ip: Option<&str>, proto: &str) -> Row {
        (
            target,
            published.map(str::to_string),
            ip.map(str::to_string),
            proto.to_string(),
        )
    }

    fn err(spec: &str) -> String {
        match parse_short(spec) {
            Ok(v) => panic!("{spec}: expected an error, got {v:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn bare_and_bracketed_ipv6() {
        assert_eq!(
            short("::1:6000:6000"),
            vec![row(6000, Some("6000"), Some("::1"), "tcp")]
        );
        assert_eq!(
            short("[::1]:6001:6001"),
            vec![row(6001, Some("6001"), Some("::1"), "tcp")]
        );
        // go-connections' own IPv6 test cases.
        assert_eq!(
            short("[2001:4860:0:2001::68]::333"),
            vec![row(333, None, Some("2001:4860:0:2001::68"), "tcp")]
        );
        assert_eq!(
            short("2001:4860:0:2001::68::333"),
            vec![row(333, None, Some("2001:4860:0:2001::68"), "tcp")]
        );
        assert_eq!(short("::::80"), vec![row(80, None, Some("::"), "tcp")]);
        // Empty brackets strip to an empty IP, which is no IP at all.
        assert_eq!(short("[]:80:80"), vec![row(80, Some("80"), None, "tcp")]);
        assert_eq!(
            short("[1.2.3.4]:80:80"),
            vec![row(80, Some("80"), Some("1.2.3.4"), "tcp")]
        );
    }

    #[test]
    fn bracket_errors_use_go_texts() {
        assert_eq!(
            err("[::1:80:80"),
            "invalid IP address [::1: address [::1:: missing ']' in address"
        );
        assert_eq!(
            err("[::1]x:80:80"),
            "invalid IP address [::1]x: address [::1]x:: missing port in address"
        );
        assert_eq!(
            err("[::1]:5:80:80"),
            "invalid IP address [::1]:5: address [::1]:5:: too many colons in address"
        );
        assert_eq!(
            err("[a[b]:80:80"),
            "invalid IP address [a[b]: address [a[b]:: unexpected '[' in address"
        );
        // With a single port field the IP is "[:" and the host port "1]".
        assert_eq!(
            err("[::1]:80"),
            "invalid IP address [:: address [::: missing ']' in address"
        );
    }

    #[test]
    fn error_texts_and_their_order() {
        assert_eq!(err(""), "no port specified: <empty>");
        assert_eq!(err("80:"), "no port specified: 80:<empty>");
        assert_eq!(err("/udp"), "no port specified: /udp<empty>");
        assert_eq!(err("80/XYZ"), "invalid proto: xyz");
        assert_eq!(err("80/tcp/udp"), "invalid proto: tcp/udp");
        // Protocol is checked before the IP, the IP before the ports.
        assert_eq!(err("localhost:x:80/bad"), "invalid proto: bad");
        assert_eq!(err("localhost:x:y"), "invalid IP address: localhost");
        assert_eq!(err("127.0.1:8080:80"), "invalid IP address: 127.0.1");
        assert_eq!(err("01.2.3.4:80:80"), "invalid IP address: 01.2.3.4");
        assert_eq!(
            err("fe80::1%eth0:80:80"),
            "invalid IP address: fe80::1%eth0"
        );
        assert_eq!(err("x:y"), "invalid containerPort: y");
        assert_eq!(err("65536:80"), "invalid hostPort: 65536");
        assert_eq!(err("81-80:80"), "invalid hostPort: 81-80");
        assert_eq!(err(" 80:80"), "invalid hostPort:  80");
        assert_eq!(err("80: 80"), "invalid containerPort:  80");
        assert_eq!(
            err("8080:80-81"),
            "invalid ranges specified for container and host Ports: 80-81 and 8080"
        );
        assert_eq!(
            err("1-3:80-81"),
            "invalid ranges specified for container and host Ports: 80-81 and 1-3"
        );
        assert_eq!(err("-1"), "invalid containerPort: -1");
        assert_eq!(err("80-"), "invalid containerPort: 80-");
        assert_eq!(err("80-90-100"), "invalid containerPort: 80-90-100");
        assert_eq!(err("9999999"), "invalid containerPort: 9999999");
    }

    #[test]
    fn ranges_expand_in_string_order() {
        assert_eq!(
            short("98-101"),
            vec![
                row(100, None, None, "tcp"),
                row(101, None, None, "tcp"),
                row(98, None, None, "tcp"),
                row(99, None, None, "tcp"),
            ]
        );
        assert_eq!(
            short("8998-9001:998-1001/udp"),
            vec![
                row(1000, Some("9000"), None, "udp"),
                row(1001, Some("9001"), None, "udp"),
                row(998, Some("8998"), None, "udp"),
                row(999, Some("8999"), None, "udp"),
            ]
        );
        assert_eq!(
            short("0.0.0.0:1234-1235:3333-3334/tcp"),
            vec![
                row(3333, Some("1234"), Some("0.0.0.0"), "tcp"),
                row(3334, Some("1235"), Some("0.0.0.0"), "tcp"),
            ]
        );
    }

    #[test]
    fn published_is_rendered_from_numbers() {
        assert_eq!(
            short("80-80:8080"),
            vec![row(8080, Some("80"), None, "tcp")]
        );
        assert_eq!(short("+80:080"), vec![row(80, Some("80"), None, "tcp")]);
        assert_eq!(
            short("0800-0900:80"),
            vec![row(80, Some("800-900"), None, "tcp")]
        );
        assert_eq!(
            short("127.0.0.1::80"),
            vec![row(80, None, Some("127.0.0.1"), "tcp")]
        );
        assert_eq!(short(":80"), vec![row(80, None, None, "tcp")]);
        assert_eq!(short("80/"), vec![row(80, None, None, "tcp")]);
        assert_eq!(short("80/SCTP"), vec![row(80, None, None, "sctp")]);
        // Accepted here; Compose rejects the missing target later (see `canonicalize`).
        assert_eq!(short("80:0"), vec![row(0, Some("80"), None, "tcp")]);
    }

    #[test]
    fn byte_ranges_point_into_the_spec() {
        let spec = "127.0.0.1:8080:80/udp";
        let m = &parse_short(spec).unwrap()[0];
        assert_eq!(m.host_ip_range, Some(0..9));
        assert_eq!(m.published_range, Some(10..14));
        assert_eq!(m.target_range, Some(15..17));
        assert_eq!(m.protocol_range, Some(18..21));

        let spec = "[::1]:6001:6001";
        let m = &parse_short(spec).unwrap()[0];
        assert_eq!(&spec[m.host_ip_range.clone().unwrap()], "[::1]");
        assert_eq!(&spec[m.published_range.clone().unwrap()], "6001");
        assert_eq!(m.protocol_range, None);

        let spec = "3000-3002";
        for m in parse_short(spec).unwrap() {
            assert_eq!(m.target_range, Some(0..9));
            assert_eq!(m.published_range, None);
        }
        let m = &parse_short("127.0.0.1::80").unwrap()[0];
        assert_eq!(m.published_range, None);
    }

    #[test]
    fn port_range_grammar() {
        assert_eq!(parse_port_range("0"), Some((0, 0)));
        assert_eq!(parse_port_range("65535"), Some((65535, 65535)));
        assert_eq!(parse_port_range("65536"), None);
        assert_eq!(parse_port_range("+80"), Some((80, 80)));
        assert_eq!(parse_port_range("80-+90"), Some((80, 90)));
        assert_eq!(parse_port_range("80-080"), Some((80, 80)));
        assert_eq!(parse_port_range(""), None);
        assert_eq!(parse_port_range("1_000"), None);
        assert_eq!(parse_port_range("99999999999999999999999"), None);
    }

    fn long(target: Option<TargetValue>) -> LongPort {
        LongPort {
            target,
            ..LongPort::default()
        }
    }

    #[test]
    fn long_syntax_defaults_and_casts() {
        let path = "services.s.ports.[0]";
        let m = normalize_long(
            &LongPort {
                target: Some(TargetValue::Str("80".into())),
                published: Some(PublishedValue::Int(8080)),
                ..LongPort::default()
            },
            path,
        )
        .unwrap();
        assert_eq!(m.target, 80);
        assert_eq!(m.published.as_deref(), Some("8080"));
        assert_eq!(m.protocol, "tcp");
        assert_eq!(m.mode, "ingress");

        // Present values are neither validated nor lower-cased; empty ones stay empty.
        let m = normalize_long(
            &LongPort {
                target: Some(TargetValue::Int(53)),
                protocol: Some("UDP".into()),
                mode: Some(String::new()),
                published: Some(PublishedValue::Str(String::new())),
                ..LongPort::default()
            },
            path,
        )
        .unwrap();
        assert_eq!(m.protocol, "UDP");
        assert_eq!(m.mode, "");
        assert_eq!(m.published, None);

        assert_eq!(
            normalize_long(&long(None), path).unwrap_err().message,
            "service ports services.s.ports.[0] is missing a target port"
        );
        assert_eq!(
            normalize_long(&long(Some(TargetValue::Str("abc".into()))), path)
                .unwrap_err()
                .message,
            "error while interpolating services.s.ports.[0].target: failed to cast to \
             expected type: strconv.Atoi: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            normalize_long(
                &long(Some(TargetValue::Str("99999999999999999999".into()))),
                path
            )
            .unwrap_err()
            .message,
            "error while interpolating services.s.ports.[0].target: failed to cast to \
             expected type: strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        );
        assert!(normalize_long(&long(Some(TargetValue::Int(-1))), path).is_err());
        assert!(from_int(-5, path).is_err());
        assert_eq!(from_int(8600, path).unwrap().target, 8600);
    }

    fn targets(items: &[PortItem]) -> Vec<(u32, Option<String>)> {
        canonicalize(items, "services.s.ports")
            .unwrap_or_else(|e| panic!("{items:?}: {e}"))
            .into_iter()
            .map(|m| (m.target, m.published))
            .collect()
    }

    fn canon_err(items: &[PortItem]) -> String {
        canonicalize(items, "services.s.ports").unwrap_err().message
    }

    fn st(s: &str) -> PortItem {
        PortItem::Str(s.to_string())
    }

    fn long_pub(target: i64, published: PublishedValue) -> PortItem {
        PortItem::Long(LongPort {
            target: Some(TargetValue::Int(target)),
            published: Some(published),
            ..LongPort::default()
        })
    }

    #[test]
    fn canonicalize_errors() {
        assert_eq!(
            canon_err(&[st("80:0")]),
            "service ports services.s.ports.[0] is missing a target port"
        );
        // The index counts the expanded list.
        assert_eq!(
            canon_err(&[st("3000-3001"), st("80:0")]),
            "service ports services.s.ports.[2] is missing a target port"
        );
        assert_eq!(
            canon_err(&[PortItem::Float(56.0)]),
            "services.s.ports: invalid type float64 for port"
        );
        // Expansion errors come before the missing target of an expanded entry…
        assert_eq!(
            canon_err(&[st("80:0"), PortItem::Float(1.5)]),
            "services.s.ports: invalid type float64 for port"
        );
        // …and a long entry without target comes before expansion errors.
        assert_eq!(
            canon_err(&[st("80/xyz"), PortItem::Long(LongPort::default())]),
            "service ports services.s.ports.[1] is missing a target port"
        );
        assert_eq!(canon_err(&[st("80"), st("80/xyz")]), "invalid proto: xyz");
    }

    #[test]
    fn canonicalize_dedups_like_compose() {
        let p = |s: &str| Some(s.to_string());
        // A range and a single port expanding to the same binding.
        assert_eq!(
            targets(&[st("8080-8081:80-81"), st("8081:81")]),
            vec![(80, p("8080")), (81, p("8081"))]
        );
        assert_eq!(
            targets(&[st("3000"), st("3000-3001")]),
            vec![(3000, None), (3001, None)]
        );
        // 80 (int) and "80" (string) share the key "80".
        assert_eq!(targets(&[PortItem::Int(80), st("80")]), vec![(80, None)]);
        // Short vs long with a string published: same key, the later one wins in place.
        let out = canonicalize(
            &[
                st("8080:80"),
                st("9000:90"),
                PortItem::Long(LongPort {
                    target: Some(TargetValue::Int(80)),
                    published: Some(PublishedValue::Str("8080".into())),
                    name: Some("web".into()),
                    ..LongPort::default()
                }),
            ],
            "services.s.ports",
        )
        .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].name.as_deref(), Some("web"));
        assert_eq!(out[1].target, 90);
        // …but an integer published formats differently and is kept twice.
        assert_eq!(
            targets(&[st("8080:80"), long_pub(80, PublishedValue::Int(8080))]),
            vec![(80, p("8080")), (80, p("8080"))]
        );
        // Integer and float items.
        assert_eq!(targets(&[PortItem::Int(8600)]), vec![(8600, None)]);
    }

    #[test]
    fn unicity_keys() {
        let path = "services.s.ports.[0]";
        assert_eq!(
            long_unicity_key(
                &LongPort {
                    target: Some(TargetValue::Int(80)),
                    published: Some(PublishedValue::Int(8080)),
                    ..LongPort::default()
                },
                path
            )
            .unwrap(),
            "0.0.0.0:%!s(int=8080):80/tcp"
        );
        assert_eq!(
            long_unicity_key(
                &LongPort {
                    target: Some(TargetValue::Int(53)),
                    host_ip: Some("127.0.0.1".into()),
                    protocol: Some("udp".into()),
                    ..LongPort::default()
                },
                path
            )
            .unwrap(),
            "127.0.0.1:%!s(<nil>):53/udp"
        );
        assert_eq!(raw_unicity_key(&PortItem::Int(80), path).unwrap(), "80");
        assert_eq!(raw_unicity_key(&st("80:80"), path).unwrap(), "80:80");
    }

    #[test]
    fn config_json_shape() {
        let m = &parse_short("127.0.0.1:8080:80/udp").unwrap()[0];
        assert_eq!(
            to_config_json(m),
            serde_json::json!({
                "host_ip": "127.0.0.1", "mode": "ingress", "protocol": "udp",
                "published": "8080", "target": 80
            })
        );
        let m = normalize_long(&long(Some(TargetValue::Int(0))), "p").unwrap();
        assert_eq!(
            to_config_json(&m),
            serde_json::json!({"mode": "ingress", "protocol": "tcp"})
        );
    }

    fn binding(spec: &str) -> HostBinding {
        parse_short(spec).unwrap()[0].host_binding().unwrap()
    }

    #[test]
    fn host_bindings_and_overlap() {
        assert_eq!(parse_short("80").unwrap()[0].host_binding(), None);
        assert_eq!(
            binding("8080:80"),
            HostBinding {
                address: BindAddress::AllInterfaces,
                ports: HostPorts::Fixed(8080),
                protocol: "tcp".into()
            }
        );
        assert_eq!(
            binding("8000-9000:80").ports,
            HostPorts::OneOf {
                start: 8000,
                end: 9000
            }
        );
        assert_eq!(binding("0:80").ports, HostPorts::Ephemeral);

        let o = |a: &str, b: &str| overlap(&binding(a), &binding(b));
        assert_eq!(o("8080:80", "127.0.0.1:8080:81"), Overlap::Certain);
        assert_eq!(o("8080:80", "[::1]:8080:81"), Overlap::Certain);
        assert_eq!(o("0.0.0.0:8080:80", "127.0.0.1:8080:81"), Overlap::Certain);
        assert_eq!(o("0.0.0.0:8080:80", "0.0.0.0:8080:81"), Overlap::Certain);
        assert_eq!(o("0.0.0.0:8080:80", "[::1]:8080:81"), Overlap::Disjoint);
        assert_eq!(o("0.0.0.0:8080:80", "[::]:8080:81"), Overlap::Disjoint);
        assert_eq!(o("[::]:8080:80", "::1:8080:81"), Overlap::Certain);
        assert_eq!(
            o("127.0.0.1:8080:80", "127.0.0.2:8080:81"),
            Overlap::Disjoint
        );
        assert_eq!(o("8080:80/udp", "8080:80"), Overlap::Disjoint);
        assert_eq!(o("8080:80", "8081:80"), Overlap::Disjoint);
        assert_eq!(o("8000-9000:80", "8080:81"), Overlap::Possible);
        assert_eq!(o("8000-9000:80", "9001:81"), Overlap::Disjoint);
        assert_eq!(o("0:80", "0:81"), Overlap::Disjoint);

        // Long syntax: a host_ip that is not an IP only meets the same text.
        let long_binding = |ip: &str| {
            normalize_long(
                &LongPort {
                    target: Some(TargetValue::Int(80)),
                    published: Some(PublishedValue::Int(8080)),
                    host_ip: Some(ip.into()),
                    protocol: Some("TCP".into()),
                    ..LongPort::default()
                },
                "p",
            )
            .unwrap()
            .host_binding()
            .unwrap()
        };
        assert_eq!(long_binding("localhost").protocol, "tcp");
        assert_eq!(
            overlap(&long_binding("localhost"), &long_binding("localhost")),
            Overlap::Certain
        );
        assert_eq!(
            overlap(&long_binding("localhost"), &binding("127.0.0.1:8080:80")),
            Overlap::Disjoint
        );
        assert_eq!(
            overlap(&long_binding("localhost"), &binding("8080:80")),
            Overlap::Certain
        );
    }

    #[test]
    fn expose_entries() {
        assert_eq!(expose_from_str("3000-3005/udp"), "3000-3005/udp");
        assert_eq!(expose_from_int(8080), "8080");
        assert_eq!(
            parse_expose("3000-3005/UDP"),
            Some(ExposedPorts {
                start: 3000,
                end: 3005,
                protocol: "udp".into()
            })
        );
        assert_eq!(
            parse_expose("80"),
            Some(ExposedPorts {
                start: 80,
                end: 80,
                protocol: "tcp".into()
            })
        );
        assert_eq!(parse_expose("http"), None);
        assert_eq!(
            expose_float_error(80.5, "services.s.expose.[0]").message,
            "services.s.expose.[0]: unsupported expose value %!s(float64=80.5)"
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for spec in [
            "é:ü/ß",
            "[é]:1:1",
            "::",
            ":::",
            "/",
            "[",
            "]",
            "[]",
            "80/É",
            "ü-ü",
            "1-é",
            "65535-0",
            ":::::::::",
            "[[[]]]:1:1",
            "80/tcp/",
            "-",
            "--",
            "+",
            "+-+",
        ] {
            let _ = parse_short(spec);
            let _ = parse_expose(spec);
            let _ = published_ports(spec);
        }
        // The widest range: one entry per port, in string order.
        let all = parse_short("0-65535").unwrap();
        assert_eq!(all.len(), 65536);
        assert_eq!(all[0].target, 0);
        assert_eq!(all[1].target, 1);
        assert_eq!(all[2].target, 10);
        assert_eq!(all[65535].target, 9999);
    }

    #[test]
    fn go_formatting_helpers() {
        assert_eq!(go_float(56.0), "56");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(1.5e21), "1.5e+21");
        assert_eq!(go_float(f64::NAN), "NaN");
        assert_eq!(go_quote("a\"b\\\n\u{1}"), "\"a\\\"b\\\\\\n\\x01\"");
    }
}
