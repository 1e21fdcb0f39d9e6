use super::reference_report::env_value_span;
use super::structural_fix::{persist_models, unsafe_fix};
use super::{Context, declare_rule};
use crate::compose::model::Mount;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// An Ollama without a volume at its models directory.
    ///
    /// ## What it does
    /// Reports an Ollama server container with no volume or bind mount at its models
    /// directory: `/root/.ollama/models` in the official image (its data directory is
    /// `/root/.ollama`), or the directory `OLLAMA_MODELS` names. A mount at that directory or
    /// at any parent of it counts.
    ///
    /// ## Why is this bad?
    /// Without a mount the models live in the container's writable layer. Every time Compose
    /// recreates the container — a new image, a changed environment, `docker compose down` —
    /// they are gone, and the next start downloads gigabytes again. A common near miss is a
    /// volume at the wrong path (`/home/ollama/.ollama`, or `/root/.ollama` while
    /// `OLLAMA_MODELS` points elsewhere).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes:
    ///       - ollama-models:/root/.ollama
    /// volumes:
    ///   ollama-models: {}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: a named volume `<service>-models` is mounted at the models directory and
    /// declared under the top-level `volumes:` of the same file. It changes the structure of the
    /// file; none is offered when a mount near the models directory suggests another intent,
    /// or when another mount (a `tmpfs`) already sits there and must be changed instead.
    ///
    /// ## Exceptions
    /// Images that bundle Ollama are checked only when their data directory is known (Open
    /// WebUI `:ollama`: `/root/.ollama`). Services built from a Dockerfile are skipped: the
    /// build may bake the models into the image. An `OLLAMA_MODELS` that is not an absolute
    /// path (a model list such as `llama3.1:8b,qwen2.5:7b`, or `models`) is reported on its
    /// value, built or not: Ollama stores the models in a directory of that name relative to
    /// its working directory; a relative path that a mount ends in is not reported.
    /// `tmpfs` mounts do not persist anything and do not count.
    pub static RULE = {
        code: "OLL013",
        name: "models-not-persisted",
        severity: Warning,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, service) in ctx.project.services.iter().enumerate() {
        let Some(server) = ctx.servers.get(i) else {
            continue;
        };
        let Some(models) = server.models_dir.as_deref() else {
            continue;
        };
        let models = models.trim_end_matches('/');
        if !models.starts_with('/') {
            out.extend(not_a_directory(ctx, i, models));
            continue;
        }
        if server.built {
            continue;
        }
        if service.volumes.iter().any(|m| persists(m, models)) {
            continue;
        }
        let data_dir = server.server.image.data_dir.as_deref();
        // Mount the data directory when the models sit in their default place under it, so
        // the keys Ollama keeps there survive too.
        let mount_at = match data_dir {
            Some(d) if models == format!("{}/models", d.trim_end_matches('/')) => d,
            _ => models,
        };
        let moved = server
            .server
            .server
            .models_env
            .as_deref()
            .and_then(|var| service.env(var))
            .is_some_and(|v| v.value.as_ref().is_some_and(|t| !t.value.trim().is_empty()));
        let near_miss = service
            .volumes
            .iter()
            .find(|m| m.kind != "tmpfs" && m.target.trim_end_matches('/').ends_with("/.ollama"));
        let mut d = RULE
            .diagnostic(
                format!(
                    "Ollama service `{}` keeps its models in `{models}`{}, which no volume holds: recreating the container loses them, and every model must be pulled again",
                    service.name,
                    if moved { " (`OLLAMA_MODELS`)" } else { "" }
                ),
                Some(service.key_span),
            )
            .with_service(&service.name)
            .with_label(format!("no volume at `{mount_at}`"))
            // A volume at the wrong path moves; one at the data directory while
            // `OLLAMA_MODELS` points elsewhere still keeps the keys, so another is added.
            .with_help(match near_miss.and_then(|m| m.source.as_deref()) {
                Some(source) if !moved => format!("mount `{source}` at `{mount_at}` instead"),
                _ => {
                    // The volume the fix adds.
                    let volume = format!("{}-models", service.name);
                    format!(
                        "mount a volume there: `volumes: [\"{volume}:{mount_at}\"]` and a top-level `volumes: {{{volume}: {{}}}}`"
                    )
                }
            });
        // A mount already at that path (a tmpfs) must be changed, not joined by another.
        let occupied = service
            .volumes
            .iter()
            .any(|m| m.target.trim_end_matches('/') == mount_at.trim_end_matches('/'));
        if near_miss.is_none()
            && !occupied
            && let Some(fix) = unsafe_fix(
                format!("mount a named volume at `{mount_at}`"),
                persist_models(ctx, &service.name, mount_at),
            )
        {
            d = d.with_fix(fix);
        }
        if let Some(m) = near_miss {
            d = d.with_related(
                m.span,
                format!(
                    "this mount is at `{}`, not at the models directory",
                    m.target
                ),
            );
        }
        out.push(d);
    }
    out
}

/// `OLLAMA_MODELS` that is not an absolute path: a model list (`llama3.1:8b,qwen2.5:7b`) or a
/// relative directory. Ollama takes it as a directory relative to its working directory
/// (docs/knowledge/facts.md, "`OLLAMA_MODELS` is a directory"), which a volume holds only if
/// one is mounted exactly there; a mount ending in that name may be, and is not reported.
fn not_a_directory(ctx: &Context, server: usize, models: &str) -> Option<Diagnostic> {
    let service = ctx.project.services.get(server)?;
    let var_name = ctx
        .servers
        .get(server)?
        .server
        .server
        .models_env
        .as_deref()?;
    let var = service.env(var_name)?;
    let list = models.contains([':', ',', ' ']);
    let relative = format!("/{}", models.trim_start_matches("./"));
    if !list
        && service
            .volumes
            .iter()
            .any(|m| m.kind != "tmpfs" && m.target.trim_end_matches('/').ends_with(&relative))
    {
        return None;
    }
    let what = if list {
        "names models, but Ollama reads it as the directory to store them in"
    } else {
        "is a relative path, which Ollama resolves against its working directory"
    };
    let help = if list {
        "`OLLAMA_MODELS` is where models are stored, not which to pull: remove it (models then go to the data directory's `models`, e.g. `/root/.ollama/models`) and pull the models with `ollama pull`"
    } else {
        "set an absolute path inside a mounted volume, e.g. `/root/.ollama/models` with a volume at `/root/.ollama`"
    };
    Some(
        RULE.diagnostic(
            format!(
                "`{var_name}={models}` of Ollama service `{}` {what}: the models land in a directory no volume holds, and every recreate of the container downloads them again",
                service.name
            ),
            Some(env_value_span(var)),
        )
        .with_service(&service.name)
        .with_help(help),
    )
}

/// Whether a mount keeps `dir`: a volume or bind mount at it or at a parent of it.
fn persists(mount: &Mount, dir: &str) -> bool {
    if mount.kind == "tmpfs" {
        return false;
    }
    let target = mount.target.trim_end_matches('/');
    // `/` itself trims to the empty string: every directory is under it.
    dir == target
        || dir
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    #[test]
    fn the_help_names_the_volume_the_fix_adds() {
        let d = crate::rules::reference_report::only_finding(
            "OLL013",
            "services:\n  llm:\n    image: ollama/ollama\n",
        );
        let fix = d.fix.as_ref().expect("a fix");
        let help = d.help.as_ref().map_or("", |h| h.expose_unredacted());
        assert!(
            help.contains("`volumes: [\"llm-models:/root/.ollama\"]`"),
            "{help}"
        );
        assert!(help.contains("{llm-models: {}}"), "{help}");
        let added: String = fix.edits.iter().map(|e| e.content.as_str()).collect();
        assert!(added.contains("\"llm-models:/root/.ollama\""), "{added}");
        assert!(added.contains("  llm-models:"), "{added}");
    }

    fn mount(kind: &str, target: &str) -> Mount {
        Mount {
            kind: kind.into(),
            source: Some("ollama".into()),
            target: target.into(),
            span: Span::new(FileId(0), 0, 0),
        }
    }

    #[test]
    fn a_mount_at_the_directory_or_a_parent_persists_it() {
        let models = "/root/.ollama/models";
        assert!(persists(&mount("volume", "/root/.ollama"), models));
        assert!(persists(&mount("volume", "/root/.ollama/"), models));
        assert!(persists(&mount("bind", "/root/.ollama/models"), models));
        assert!(persists(&mount("volume", "/root"), models));
        assert!(persists(&mount("volume", "/"), models));
        assert!(!persists(
            &mount("volume", "/root/.ollama/models/blobs"),
            models
        ));
        assert!(!persists(&mount("volume", "/root/.oll"), models));
        assert!(!persists(&mount("volume", "/home/node/.ollama"), models));
        assert!(!persists(&mount("tmpfs", "/root/.ollama"), models));
    }
}
