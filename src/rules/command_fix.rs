//! The unsafe fixes of `structural_fix` for a project read from Docker commands: the same
//! repairs written as options on the containers' `docker run` lines and as new commands
//! (`commands::edit`: `docker network create` before, `docker network connect` after). A container started otherwise (`docker exec`, a `docker network
//! connect`ed one) gets no such fix.

use super::Context;
use crate::commands::edit::{add_option, insert_command_after, insert_command_before};
use crate::compose::model::{RunLine, Service};
use crate::diagnostic::Edit;

/// The network a fix creates for a client and a server of `kind` on the default bridge,
/// named after the kind (`ollama-net`, `postgres-net`).
pub fn new_network(kind: &str) -> String {
    format!("{kind}-net")
}

/// `--add-host=NAME:host-gateway` on the container's `docker run` line. Docker refuses a host
/// mapping for a container in another one's network namespace (`--network container:X`).
pub fn map_to_host_gateway(ctx: &Context, service: &str, name: &str) -> Option<Edit> {
    let s = ctx.project.service(service)?;
    let run = s.run_line?;
    let borrowed = s
        .network_mode
        .as_ref()
        .is_some_and(|m| m.value.starts_with("container:"));
    if borrowed {
        return None;
    }
    add_option(&run, &[&format!("--add-host={name}:host-gateway")])
}

/// `--network NETWORK` on the `docker run` line of a container on the default bridge, or for
/// one on another user-defined network `docker network connect NETWORK NAME` right after it
/// (it keeps the network it is on, which other containers may reach it by), when the network
/// exists by then: created earlier in the file, or outside it.
pub fn attach_to_network(ctx: &Context, service: &str, network: &str) -> Option<Edit> {
    let s = ctx.project.service(service)?;
    let created = ctx.project.network(network)?.key_span;
    if created.is_some_and(|c| c.file != s.key_span.file || c.start > s.key_span.start) {
        return None;
    }
    if let Some(run) = movable(ctx, s) {
        return add_option(&run, &["--network", network]);
    }
    // Only a container on networks of its own can join another: not one in the host's or
    // another container's namespace, nor one without a name to connect by.
    let name = s.container_name.as_ref()?.value.as_str();
    if s.network_mode.is_some() || s.networks.is_empty() {
        return None;
    }
    let run = s.run_line?;
    let src = &ctx.sources.get(s.key_span.file).text;
    insert_command_after(
        src,
        s.key_span.end,
        &run,
        &format!("network connect {network} {name}"),
    )
}

/// A user-defined network for two containers on the default bridge: `docker network create`
/// before the first of their commands, and `--network` on both. A compose service there has
/// `network_mode: bridge` written, which is the author's choice to undo: no fix.
pub fn share_network(
    ctx: &Context,
    client: &str,
    server: &str,
    network: &str,
) -> Vec<Option<Edit>> {
    let (Some(c), Some(s)) = (ctx.project.service(client), ctx.project.service(server)) else {
        return vec![None];
    };
    if !ctx.project.from_commands {
        return vec![None];
    };
    let (Some(client_run), Some(server_run)) = (movable(ctx, c), movable(ctx, s)) else {
        return vec![None];
    };
    let file = c.key_span.file;
    if s.key_span.file != file {
        return vec![None];
    }
    let (first, first_run) = if c.key_span.start <= s.key_span.start {
        (c, client_run)
    } else {
        (s, server_run)
    };
    let create = match ctx.project.network(network) {
        None => Some(insert_command_before(
            &ctx.sources.get(file).text,
            first.key_span.start,
            &first_run,
            &format!("network create {network}"),
        )),
        // Created before both (a fix of an alternative's line made it): joined as it is.
        Some(n)
            if n.key_span
                .is_some_and(|k| k.file == file && k.start < first.key_span.start) =>
        {
            None
        }
        Some(_) => return vec![None],
    };
    let join = |run: &RunLine| add_option(run, &["--network", network]);
    let mut edits = vec![join(&client_run), join(&server_run)];
    if let Some(create) = create {
        edits.insert(0, create);
    }
    edits
}

/// The run line of a container that may leave the default bridge for a user-defined network:
/// started by `docker run` with no `--network` written, and no container links to it or from
/// it (a legacy link works only on the network both are on).
fn movable(ctx: &Context, s: &Service) -> Option<RunLine> {
    let run = s.run_line?;
    let bridge = s
        .network_mode
        .as_ref()
        .is_some_and(|m| m.value == "bridge" && m.primary_span().is_none());
    let named = |target: &str| {
        target == s.name || s.container_name.as_ref().is_some_and(|n| n.value == target)
    };
    let linked = !s.links.is_empty()
        || ctx
            .project
            .services
            .iter()
            .any(|o| o.links.iter().any(|l| named(&l.service)));
    (bridge && !linked).then_some(run)
}
