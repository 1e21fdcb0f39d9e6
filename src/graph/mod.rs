//! The wiring of each project as a graph: who reaches whom, through which name, network,
//! port or the Docker host, and which references are broken. The edges are the rules' own
//! references, resolved and judged by the same engine ([`crate::rules::with_context`]), and
//! each takes its status from the findings on it; [`mermaid`], [`dot`] and [`json`] draw it.

mod build;
pub mod dot;
pub mod explain;
pub mod json;
pub mod mermaid;
pub mod pictures;

use serde::Serialize;

pub use build::{graph, project_graph};

/// The graph of every project of a run, one per project.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Graph {
    pub projects: Vec<ProjectGraph>,
}

/// One project's wiring.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProjectGraph {
    pub name: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A place a reference starts from or leads to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    /// `service:NAME`, `host`, `external:HOST`, `unknown:HOST`, `network:NAME`,
    /// `project:PROJECT/SERVICE`.
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    /// A service's ports published on the Docker host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<PublishedPort>,
    /// A network's services (and services of other projects) among the edges it explains.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A service (a container, for Docker commands) of the project.
    Service,
    /// The Docker host.
    Host,
    /// An address outside the project: a domain, an IP address, a container of no project.
    External,
    /// A name nothing resolves.
    Unknown,
    /// A network, where it explains an edge.
    Network,
    /// A service of another project of the run, on a network both use.
    OtherProject,
}

/// A port a service publishes on the Docker host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublishedPort {
    /// The host address it is bound to, when written (`127.0.0.1`).
    pub host_ip: Option<String>,
    pub published: String,
    pub target: u32,
    pub protocol: String,
}

/// One reference: the client, what it reaches (or fails to reach), and how it stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub status: Status,
    /// The codes of the findings on the reference, sorted.
    pub codes: Vec<&'static str>,
    /// The variable, argument (`command`) or config key the URL is written in.
    pub via: String,
    /// The port the client dials.
    pub port: u16,
    /// Where the value is written; None for an app's built-in default.
    pub location: Option<Location>,
    /// The kind of server the reference is aimed at (`ollama`, `postgres`, …).
    pub server: &'static str,
    /// The host name as written.
    pub host: String,
    /// The network the name is reached on (or not: for an unreachable service, none).
    pub network: Option<String>,
}

/// How a reference stands, from the findings on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No finding, or information only.
    Ok,
    /// A warning: it works, but only by accident or on some platforms.
    Warning,
    /// An error: it cannot work.
    Broken,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Broken => "broken",
        }
    }
}

/// A place in a file: 1-based line and column (columns count characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Edge {
    /// What the drawings write on the edge: the variable and port, then the codes.
    pub fn caption(&self) -> (String, Option<String>) {
        let first = format!("{} :{}", self.via, self.port);
        let codes = (!self.codes.is_empty()).then(|| self.codes.join(" "));
        (first, codes)
    }
}

impl PublishedPort {
    /// `127.0.0.1:3000 → 8080`, `3000 → 8080/udp`.
    pub fn caption(&self) -> String {
        let host = match &self.host_ip {
            Some(ip) if ip.contains(':') => format!("[{ip}]:{}", self.published),
            Some(ip) => format!("{ip}:{}", self.published),
            None => self.published.clone(),
        };
        let protocol = match self.protocol.as_str() {
            "" | "tcp" => String::new(),
            other => format!("/{other}"),
        };
        format!("{host} → {}{protocol}", self.target)
    }
}
