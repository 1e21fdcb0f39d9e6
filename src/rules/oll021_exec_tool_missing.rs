use super::oll018_healthcheck_tool_missing::{mounted, official_image, program_name};
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `docker exec` into a server container of a program its image does not ship.
    ///
    /// ## What it does
    /// Reports a `docker exec NAME PROGRAM …` line in a script or document whose container
    /// `NAME` runs an official server image (`ollama/ollama`) that does not ship `PROGRAM`:
    /// `docker exec ollama curl http://localhost:11434`.
    ///
    /// ## Why is this bad?
    /// The `ollama/ollama` image ships neither `curl` nor `wget` (facts §8 in
    /// `docs/knowledge/facts.md`, from ollama/ollama#9781): the command fails with
    /// `executable file not found in $PATH` whatever the server does, and a reader of the docs
    /// concludes the server is down. The same knowledge as OLL018's healthchecks.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --name ollama -v ollama:/root/.ollama ollama/ollama
    /// docker exec ollama curl http://localhost:11434/api/tags
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run -d --name ollama -v ollama:/root/.ollama ollama/ollama
    /// docker exec ollama ollama list
    /// ```
    /// `ollama list` asks the running server and fails while it does not answer.
    ///
    /// ## Fix safety
    /// No fix: what the command was meant to show (a model list, a version, an API response)
    /// is the author's choice; the help names the image's own probe.
    ///
    /// ## Exceptions
    /// Containers whose image is built, bundles Ollama into another application, is pinned by
    /// digest alone or runs with its entrypoint replaced, or that mount something at a `bin`
    /// directory or at the program's name (as for OLL018). A shell run by `exec` (`sh -c …`)
    /// is not judged.
    pub static RULE = {
        code: "OLL021",
        name: "exec-tool-missing",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    if !ctx.project.from_commands {
        return Vec::new();
    }
    let mut out = Vec::new();
    for service in &ctx.project.services {
        // A process `docker exec` runs: no image of its own, in a named container's namespace.
        let Some(target) = service
            .network_mode
            .as_ref()
            .and_then(|m| m.value.strip_prefix("service:"))
            .filter(|_| service.image.is_none())
        else {
            continue;
        };
        let Some((words, program)) = service
            .command
            .as_deref()
            .and_then(|words| Some((words, words.first()?)))
        else {
            continue;
        };
        let Some(&server_index) = ctx.project.service_index.get(target) else {
            continue;
        };
        let server_service = &ctx.project.services[server_index];
        let Some(server) = ctx.servers.get(server_index) else {
            continue;
        };
        let Some(image) = official_image(server_service, server) else {
            continue;
        };
        let entry = server.server.image;
        let Some(name) = program_name(&program.value) else {
            continue;
        };
        if !entry.lacks_program(&image, name) || mounted(server_service, name) {
            continue;
        }
        let probe: Vec<&str> = entry
            .probe
            .iter()
            .skip_while(|w| w.starts_with("CMD"))
            .map(String::as_str)
            .collect();
        let shown: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
        let mut d = RULE
            .diagnostic(
                format!(
                    "`docker exec {target} {}` fails: the `{}` image of container `{target}` does not ship `{name}`",
                    shown.join(" "),
                    entry.repository
                ),
                program.primary_span().or(Some(service.key_span)),
            )
            .with_service(target)
            .with_label(format!("`{name}` is not in the image"));
        if !probe.is_empty() {
            d = d.with_help(format!(
                "run a program the image has: `docker exec {target} {}`, or `{name}` from the host through a published port",
                probe.join(" ")
            ));
        }
        out.push(d);
    }
    out
}
