//! How `composelint explain` prints its answer: for a reader, or as JSON.

use std::fmt::Write;

use super::Explanation;
use crate::graph::Status;
use crate::reach::kind_name;

/// The explanation as JSON, ending with a line break.
pub fn render_json(e: &Explanation) -> String {
    // Plain data with string keys: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(e).expect("the explanation serialises");
    text.push('\n');
    text
}

/// The explanation for a reader.
pub fn render_human(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "`{}` from `{}` (project `{}`), taken as a URL of {}:",
        e.url,
        e.from,
        e.project,
        kind_name(e.server)
    );
    let target = e.leads_to.target.as_deref().unwrap_or_default();
    let leads = match e.leads_to.kind {
        "itself" => format!("the `{target}` container itself"),
        "service" => match &e.leads_to.network {
            Some(network) => format!("service `{target}`, on network `{network}`"),
            None => format!("service `{target}`, whose network namespace it shares"),
        },
        "unreachable-service" => {
            format!("service `{target}`, which it shares no network with")
        }
        "other-project" => format!(
            "{target}, on network `{}`",
            e.leads_to.network.as_deref().unwrap_or_default()
        ),
        "host" => format!(
            "the Docker host, through {}",
            e.leads_to.route.unwrap_or("its gateway")
        ),
        "external" => format!("`{target}`, outside the project"),
        "unknown" => format!("nothing: no container resolves `{target}`"),
        _ => "nowhere: the container has no network".to_string(),
    };
    let _ = writeln!(out, "  leads to:   {leads}");
    if e.listening.is_empty() {
        let _ = writeln!(out, "  listening:  nothing the project runs");
    } else {
        let _ = writeln!(out, "  listening:  {}", e.listening.join("; "));
    }
    for (name, on) in [
        ("Linux:     ", &e.platforms.linux),
        ("Desktop:   ", &e.platforms.desktop),
    ] {
        let codes = if on.codes.is_empty() {
            String::new()
        } else {
            format!(" ({})", on.codes.join(", "))
        };
        let _ = writeln!(out, "  {name} {}{codes}", on.status.as_str());
    }
    for f in &e.findings {
        let _ = writeln!(out, "  {} {}: {}", f.code, f.severity, f.message);
        if let Some(help) = &f.help {
            let _ = writeln!(out, "    help: {help}");
        }
    }
    if let Some(instead) = &e.instead {
        let _ = writeln!(out, "  use instead: {instead}");
    }
    let _ = writeln!(
        out,
        "{}",
        match e.status {
            Status::Ok => "It works.",
            Status::Warning => "It works only by a detour or with a caveat: see the warning.",
            Status::Broken => "It does not work.",
        }
    );
    out
}
