//! The knowledge tables as `build.rs` compiled them: each server and client profile is a JSON
//! text of its own, deserialized the first time a run looks at it, so a run that meets three
//! images reads a few profiles, not all of them (issue 16, start-up).

use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use super::generic::Patterns;
use super::{ClientProfile, ImageRef, ServerProfile};

/// One profile as `build.rs` wrote it.
pub(super) struct Profile {
    pub id: &'static str,
    /// The last path segment of each of its images' repositories, in lower case. An image
    /// reference matches a repository only if its path is the repository or ends with it
    /// after a `/` (`ImagePattern::matches_repository`), so an image whose path ends in none
    /// of these is none of the profile's.
    pub image_names: &'static [&'static str],
    pub json: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/knowledge_tables.rs"));

static SERVER_CELLS: [OnceLock<ServerProfile>; SERVER_COUNT] =
    [const { OnceLock::new() }; SERVER_COUNT];
static CLIENT_CELLS: [OnceLock<ClientProfile>; CLIENT_COUNT] =
    [const { OnceLock::new() }; CLIENT_COUNT];

/// A profile, read on first use. The tables are part of the program, not input:
/// `tests/knowledge.rs` proves every profile reads and the tables are consistent.
fn read<T: DeserializeOwned>(cell: &'static OnceLock<T>, profile: &Profile) -> &'static T {
    cell.get_or_init(|| match serde_json::from_str(profile.json) {
        Ok(read) => read,
        Err(e) => panic!("compiled-in profile {} is invalid: {e}", profile.id),
    })
}

/// Every server profile, in table order.
pub(super) fn servers() -> impl Iterator<Item = &'static ServerProfile> {
    matching(&SERVER_CELLS, &SERVERS, |_| true)
}

/// Every client profile, in table order.
pub(super) fn clients() -> impl Iterator<Item = &'static ClientProfile> {
    matching(&CLIENT_CELLS, &CLIENTS, |_| true)
}

/// The server profiles an image may belong to, in table order.
pub(super) fn servers_for(image: &ImageRef) -> impl Iterator<Item = &'static ServerProfile> {
    let name = last_segment(image);
    matching(&SERVER_CELLS, &SERVERS, move |p| {
        p.image_names.contains(&name)
    })
}

/// The client profiles an image may belong to, in table order.
pub(super) fn clients_for(image: &ImageRef) -> impl Iterator<Item = &'static ClientProfile> {
    let name = last_segment(image);
    matching(&CLIENT_CELLS, &CLIENTS, move |p| {
        p.image_names.contains(&name)
    })
}

pub(super) fn server(id: &str) -> Option<&'static ServerProfile> {
    matching(&SERVER_CELLS, &SERVERS, |p| p.id == id).next()
}

pub(super) fn client(id: &str) -> Option<&'static ClientProfile> {
    matching(&CLIENT_CELLS, &CLIENTS, |p| p.id == id).next()
}

/// The profiles `keep` selects, read as they are reached.
fn matching<T: DeserializeOwned>(
    cells: &'static [OnceLock<T>],
    profiles: &'static [Profile],
    keep: impl Fn(&Profile) -> bool,
) -> impl Iterator<Item = &'static T> {
    cells
        .iter()
        .zip(profiles)
        .filter(move |(_, p)| keep(p))
        .map(|(c, p)| read(c, p))
}

fn last_segment(image: &ImageRef) -> &str {
    image.path.rsplit('/').next().unwrap_or_default()
}

/// The apps no image identifies, as JSON.
pub(super) fn unmatched_json() -> &'static str {
    UNMATCHED
}

/// The name patterns of `data/generic.yaml`, read on first use.
pub(super) fn generic() -> &'static Patterns {
    static GENERIC_PATTERNS: OnceLock<Patterns> = OnceLock::new();
    GENERIC_PATTERNS.get_or_init(|| match serde_json::from_str(GENERIC) {
        Ok(read) => read,
        Err(e) => panic!("compiled-in generic.yaml is invalid: {e}"),
    })
}
