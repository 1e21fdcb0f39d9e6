use super::reference_report::safe_fix;
use super::{Context, Rule, declare_rule};
use crate::compose::model::{HealthTest, Service};
use crate::diagnostic::{Diagnostic, Edit, Severity};
use crate::knowledge::image::ImageRef;
use crate::knowledge::server::ServerImage;
use crate::ollama::{OllamaServer, Servers};
use crate::source::Span;
use crate::yaml::{NodeKind, ScalarStyle};

declare_rule! {
    /// A server healthcheck that calls a program the server's image does not ship.
    ///
    /// ## What it does
    /// Reports a healthcheck on a service running an official server image (`ollama/ollama`)
    /// whose `test` can only fail because the program it calls is not in the image:
    /// `["CMD", "curl", …]`, or a shell command made of nothing but such calls joined by `||`,
    /// optionally ending in `exit 1` or `false` (`curl -f http://localhost:11434 || exit 1`).
    ///
    /// ## Why is this bad?
    /// The `ollama/ollama` image ships neither `curl` nor `wget` (its final stage is Ubuntu
    /// with `ca-certificates` only; facts §8 in `docs/knowledge/facts.md`, from
    /// ollama/ollama#9781). The check fails on every run (`executable file not found`, or
    /// `curl: not found` from the shell), whether the server answers or not: the container
    /// is marked `unhealthy` forever,
    /// and every service that waits on it with `condition: service_healthy` never starts
    /// (an error then; a warning otherwise). This is one of the most common reports about
    /// Ollama in Compose.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///     healthcheck:
    ///       test: curl -f http://localhost:11434 || exit 1
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///     healthcheck:
    ///       test: ["CMD", "ollama", "list"]
    /// volumes:
    ///   ollama: {}
    /// ```
    /// `ollama list` asks the running server (at `OLLAMA_HOST`, which the image sets to
    /// `0.0.0.0:11434`) and fails while it does not answer. `ollama --version` passes even
    /// with the server down.
    ///
    /// ## Fix safety
    /// Safe: the whole `test` value is replaced by the image's probe
    /// (`["CMD", "ollama", "list"]`). Offered only when the service keeps the image's command
    /// (`serve`), `test` is written in the service's own mapping, not brought in by an anchor, a `<<` merge, `extends` or another file, and
    /// no other service shares it.
    ///
    /// ## Exceptions
    /// Services built from a Dockerfile (which may install the program), images that bundle
    /// Ollama into another application, in-house images named in the configuration, tags
    /// whose builds may have the program (`0.0.*` on Alpine, with busybox `wget`; ROCm tags,
    /// built on a CentOS image in 2024), images pinned by digest alone, services that replace the image's entrypoint (a start script may
    /// install the program) or mount something at a `bin` directory or at the program's
    /// name. A shell command with anything besides `||` between simple commands (`;`, `&&`,
    /// pipes, `$…`, `sh -c`, `if`) is not judged.
    pub static RULE = {
        code: "OLL018",
        name: "healthcheck-tool-missing",
        severity: Warning,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.servers)
}

/// The healthchecks of `servers` that call a program their image lacks, reported as `rule`.
pub(super) fn check_in(ctx: &Context, rule: &'static Rule, servers: &Servers) -> Vec<Diagnostic> {
    let judge = |i: usize| {
        let service = ctx.project.services.get(i)?;
        let server = servers.get(i)?;
        let image = official_image(service, server)?;
        let health = service.healthcheck.as_deref().filter(|h| !h.disable)?;
        let test = health.test.as_ref()?;
        let entry = server.server.image;
        let lacking = |program: &str| {
            program_name(program)
                .is_some_and(|name| entry.lacks_program(&image, name) && !mounted(service, name))
        };
        let program = failing_program(test, &lacking)?;
        Some(report(ctx, rule, service, entry, test, &program))
    };
    servers.indices.iter().filter_map(|&i| judge(i)).collect()
}

/// The image reference when the service runs the official server image as published: not
/// built (`image:` beside `build:` names the result of the build), not a bundle, not an
/// in-house image the configuration maps to it, and with the image's own entrypoint.
pub(super) fn official_image(service: &Service, server: &OllamaServer) -> Option<ImageRef> {
    if server.built || service.build.is_some() || server.server.is_bundled() {
        return None;
    }
    let image = ImageRef::parse(&service.image.as_ref()?.value)?;
    if !server.server.image.pattern().matches(&image) {
        return None;
    }
    let own_entrypoint = match service.entrypoint.as_deref() {
        None => true,
        Some([only]) => server
            .server
            .image
            .entrypoint
            .iter()
            .any(|e| e == &only.value || program_name(e) == program_name(&only.value)),
        Some(_) => false,
    };
    own_entrypoint.then_some(image)
}

/// The program name a command word runs: the word itself, or the last part of an absolute
/// path. A relative path (`./curl`) names a file in the working directory: None.
pub(super) fn program_name(word: &str) -> Option<&str> {
    match word.rsplit_once('/') {
        None if !word.is_empty() => Some(word),
        Some((_, name)) if word.starts_with('/') && !name.is_empty() => Some(name),
        _ => None,
    }
}

/// Whether a mount may put the program into the container: one at a path ending in its
/// name, or at a `bin` directory.
pub(super) fn mounted(service: &Service, program: &str) -> bool {
    service.volumes.iter().any(|m| {
        let last = m.target.trim_end_matches('/').rsplit('/').next();
        last == Some(program) || last == Some("bin")
    })
}

/// The missing program that makes `test` fail whatever the server does, when certain.
fn failing_program(test: &HealthTest, lacking: &dyn Fn(&str) -> bool) -> Option<String> {
    match test.words.as_slice() {
        [kind, program, ..] if kind.value == "CMD" => {
            lacking(&program.value).then(|| program.value.clone())
        }
        [kind, script] if kind.value == "CMD-SHELL" => {
            let commands = or_list(&script.value)?;
            let (first, rest) = commands.split_first()?;
            let program = first.first()?;
            let fails = lacking(program)
                && rest
                    .iter()
                    .all(|c| always_fails(c) || c.first().is_some_and(|p| lacking(p)));
            fails.then(|| program.clone())
        }
        _ => None,
    }
}

/// Whether a command run after a failure always fails: `false`, `exit` (the last status,
/// a failure there), `exit N` with N not a multiple of 256.
fn always_fails(command: &[String]) -> bool {
    match command {
        [program, ..] if program_name(program) == Some("false") => true,
        [exit] => exit == "exit",
        [exit, code] if exit == "exit" => {
            !code.is_empty()
                && code.bytes().all(|b| b.is_ascii_digit())
                && code
                    .trim_start_matches('0')
                    .parse::<u64>()
                    .map_or(code.len() > 20, |n| n % 256 != 0)
        }
        _ => false,
    }
}

/// The simple commands of a shell script made of nothing but simple commands joined by
/// `||`, each as its words (redirections left out). None for anything else the shell would
/// read differently: `;`, `&&`, `&`, pipes, newlines, `$`, backquotes, parentheses, a
/// comment, a here-document, an escape, a variable assignment.
fn or_list(script: &str) -> Option<Vec<Vec<String>>> {
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    let mut word: Option<String> = None;
    // A redirection operator was read: the next word is its target, not an argument.
    let mut target = false;
    let mut chars = script.chars().peekable();
    fn end_word(
        word: &mut Option<String>,
        target: &mut bool,
        commands: &mut [Vec<String>],
    ) -> Option<()> {
        if let Some(w) = word.take() {
            if *target {
                *target = false;
            } else {
                commands.last_mut()?.push(w);
            }
        }
        Some(())
    }
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => end_word(&mut word, &mut target, &mut commands)?,
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => w.push(other),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' | '\\' => return None,
                        other => w.push(other),
                    }
                }
            }
            '|' if chars.peek() == Some(&'|') => {
                chars.next();
                end_word(&mut word, &mut target, &mut commands)?;
                if target || commands.last()?.is_empty() {
                    return None;
                }
                commands.push(Vec::new());
            }
            '>' | '<' => {
                // `2>`: the digits before the operator are its file descriptor.
                if word
                    .as_deref()
                    .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
                {
                    word = None;
                }
                end_word(&mut word, &mut target, &mut commands)?;
                if target {
                    return None;
                }
                match chars.peek() {
                    Some('>') if c == '>' => {
                        chars.next();
                    }
                    Some('&') => {
                        chars.next();
                    }
                    Some('|' | '<') => return None,
                    _ => {}
                }
                target = true;
            }
            '#' if word.is_none() => return None,
            '|' | '&' | ';' | '\n' | '\r' | '$' | '`' | '\\' | '(' | ')' => return None,
            other => word.get_or_insert_with(String::new).push(other),
        }
    }
    end_word(&mut word, &mut target, &mut commands)?;
    let assignment = |w: &String| {
        w.split_once('=').is_some_and(|(name, _)| {
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let sound = !target
        && commands
            .iter()
            .all(|c| c.first().is_some_and(|w| !assignment(w)));
    sound.then_some(commands)
}

fn report(
    ctx: &Context,
    rule: &'static Rule,
    service: &Service,
    image: &ServerImage,
    test: &HealthTest,
    program: &str,
) -> Diagnostic {
    let waiting: Vec<(&str, Span)> = ctx
        .project
        .services
        .iter()
        .flat_map(|s| s.depends_on.iter().map(move |d| (s, d)))
        .filter(|(_, d)| {
            d.service == service.name
                && d.condition == "service_healthy"
                && d.required
                && !d.implicit
        })
        .map(|(s, d)| (s.name.as_str(), d.span))
        .collect();
    let consequence = match waiting.as_slice() {
        [] => "the container stays `unhealthy` forever".to_string(),
        [(one, _)] => format!("service `{one}`, which waits for it to be healthy, never starts"),
        many => format!(
            "services {}, which wait for it to be healthy, never start",
            super::wording::quoted_list(&many.iter().map(|(s, _)| *s).collect::<Vec<_>>(), "and")
        ),
    };
    let mut d = rule
        .diagnostic(
            format!(
                "the healthcheck of service `{}` runs `{program}`, which the `{}` image does not ship: it can never pass, and {consequence}",
                service.name, image.repository
            ),
            Some(test.span),
        )
        .with_service(&service.name)
        .with_label(format!("`{program}` is not in the image"));
    let probe = (!image.probe.is_empty()).then(|| probe_yaml(&image.probe));
    // The probe asks the server where the image's own command makes it listen, without a
    // password: another command may move it or require one.
    let own_command = service.command.as_ref().is_none_or(|words| {
        words
            .iter()
            .map(|w| w.value.as_str())
            .eq(image.command.iter().map(String::as_str))
    });
    d = d.with_help(match &probe {
        Some(probe) if own_command => format!(
            "use a probe the image has: `test: {probe}`, which fails while the server does not answer"
        ),
        Some(probe) => format!(
            "use a probe the image has: `test: {probe}` for the image's own command, with the port or password this service's `command` sets"
        ),
        None => format!(
            "probe the server with a program the image has (its shell), or run an image that adds `{program}`"
        ),
    });
    if !waiting.is_empty() {
        d.severity = Severity::Error;
    }
    for (name, span) in &waiting {
        d = d.with_related(
            *span,
            format!("`{name}` waits here for `{}` to be healthy", service.name),
        );
    }
    if let Some(probe) = probe.filter(|_| own_command)
        && let Some(fix) = safe_fix(
            format!("use `{probe}` as the healthcheck"),
            vec![replace_test(ctx, service, test, &probe)],
        )
    {
        d = d.with_fix(fix);
    }
    d
}

/// The probe as a YAML flow sequence of double-quoted strings (JSON strings are valid YAML
/// double-quoted scalars).
fn probe_yaml(probe: &[String]) -> String {
    let words: Vec<String> = probe
        .iter()
        .map(|w| serde_json::Value::String(w.clone()).to_string())
        .collect();
    format!("[{}]", words.join(", "))
}

/// The edit that replaces the whole `test` value, when it is written in the service's own
/// mapping and nothing else uses it.
fn replace_test(ctx: &Context, service: &Service, test: &HealthTest, probe: &str) -> Option<Edit> {
    let (file, node) = ctx.project.written_service(ctx.sources, &service.name)?;
    let written = node.get("healthcheck")?.get("test")?;
    // What Compose runs is what is written here: not from another file, `extends`, an
    // alias (whose copy carries the anchored original's span) or a `<<` merge.
    let inside = node.span.start <= written.span.start && written.span.end <= node.span.end;
    if written.span != test.span || !inside || written.span.file != file {
        return None;
    }
    // An anchor on it, or on the healthcheck, makes another service share the same text.
    let shared = ctx
        .project
        .services
        .iter()
        .chain(&ctx.project.inactive)
        .filter(|s| s.name != service.name)
        .filter_map(|s| s.healthcheck.as_ref()?.test.as_ref())
        .any(|t| {
            t.span.file == file && t.span.start < test.span.end && test.span.start < t.span.end
        });
    if shared {
        return None;
    }
    if let NodeKind::Scalar(s) = &written.kind
        && matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded)
    {
        // A block scalar's text runs to the next line; the flow sequence would not.
        return None;
    }
    let text = ctx
        .sources
        .get(file)
        .text
        .get(written.span.start..written.span.end)?;
    // Comments inside a block sequence would go with it.
    if text.contains('#') || text.trim_end() != text {
        return None;
    }
    Some(Edit {
        span: written.span,
        content: probe.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::{lint_yaml, only_finding};

    fn words(script: &str) -> Option<Vec<Vec<String>>> {
        or_list(script)
    }

    #[test]
    fn reads_only_simple_commands_joined_by_or() {
        assert_eq!(
            words("curl -f 'http://x' >/dev/null 2>&1 || exit 1"),
            Some(vec![
                vec!["curl".into(), "-f".into(), "http://x".into()],
                vec!["exit".into(), "1".into()],
            ])
        );
        for refused in [
            "curl x; exit 1",
            "curl x && exit 0",
            "curl x | grep y",
            "curl x &>/dev/null",
            "curl $(echo x)",
            "curl `echo x`",
            "curl \"$URL\"",
            "curl x || (exit 1)",
            "curl x\nexit 1",
            "A=1 curl x",
            "curl x ||",
            "|| curl x",
            "curl x >",
            "curl x <<EOF",
            "# curl x",
            "curl 'x",
        ] {
            assert_eq!(words(refused), None, "{refused}");
        }
    }

    #[test]
    fn only_certain_failures_count_after_the_call() {
        let lacking = |p: &str| program_name(p).is_some_and(|n| n == "curl" || n == "wget");
        let shell = |script: &str| HealthTest {
            words: vec![
                crate::text::Text::synthetic("CMD-SHELL"),
                crate::text::Text::synthetic(script),
            ],
            span: Span::new(crate::source::FileId(0), 0, 0),
        };
        let fails = |script: &str| failing_program(&shell(script), &lacking);
        assert_eq!(fails("curl -f x || exit 1").as_deref(), Some("curl"));
        assert_eq!(
            fails("/usr/bin/wget -q x || wget y || false").as_deref(),
            Some("/usr/bin/wget")
        );
        assert_eq!(fails("curl x || exit").as_deref(), Some("curl"));
        for passes in [
            "curl x || exit 0",
            "curl x || exit 256",
            "curl x || true",
            "curl x || ollama list",
            "ollama list || curl x",
            "./curl x",
            "bash -c 'curl x'",
        ] {
            assert_eq!(fails(passes), None, "{passes}");
        }
    }

    #[test]
    fn error_when_a_service_waits_for_it() {
        let d = only_finding(
            "OLL018",
            "services:\n  ollama:\n    image: ollama/ollama:0.5.7\n    volumes: [\"models:/root/.ollama\"]\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:11434\"]\n  web:\n    image: nginx\n    depends_on:\n      ollama:\n        condition: service_healthy\nvolumes:\n  models: {}\n",
        );
        assert_eq!(d.severity, Severity::Error);
        assert!(
            d.message.expose_unredacted().contains("`web`"),
            "{:?}",
            d.message
        );
        assert_eq!(d.related.len(), 1);
        let fix = d.fix.expect("a fix");
        assert_eq!(fix.edits[0].content, "[\"CMD\", \"ollama\", \"list\"]");
    }

    #[test]
    fn silent_without_evidence() {
        for yaml in [
            // ROCm builds of 2024 came from a CentOS image; 0.0.* from Alpine.
            "services:\n  o:\n    image: ollama/ollama:0.0.19\n    volumes: [\"models:/root/.ollama\"]\n    healthcheck:\n      test: [\"CMD\", \"wget\", \"-q\", \"http://localhost:11434\"]\nvolumes:\n  models: {}\n",
            "services:\n  o:\n    image: ollama/ollama:0.3.0-rocm\n    volumes: [\"models:/root/.ollama\"]\n    healthcheck:\n      test: curl -f http://localhost:11434\nvolumes:\n  models: {}\n",
            // A replaced entrypoint may install curl first.
            "services:\n  o:\n    image: ollama/ollama\n    entrypoint: [\"/bin/sh\", \"-c\", \"apt-get install -y curl && ollama serve\"]\n    volumes: [\"models:/root/.ollama\"]\n    healthcheck:\n      test: curl -f http://localhost:11434\nvolumes:\n  models: {}\n",
            // A bind mount may bring the program.
            "services:\n  o:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\", \"./curl:/usr/local/bin/curl:ro\"]\n    healthcheck:\n      test: curl -f http://localhost:11434\nvolumes:\n  models: {}\n",
            "services:\n  o:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n    healthcheck:\n      test: [\"NONE\"]\nvolumes:\n  models: {}\n",
        ] {
            assert!(
                !lint_yaml(yaml).iter().any(|d| d.code == "OLL018"),
                "{yaml}"
            );
        }
    }

    #[test]
    fn no_fix_for_a_test_shared_through_an_anchor() {
        let d = lint_yaml(
            "services:\n  a:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n    healthcheck: &hc\n      test: curl -f http://localhost:11434\n  b:\n    image: ollama/ollama\n    volumes: [\"models2:/root/.ollama\"]\n    healthcheck: *hc\nvolumes:\n  models: {}\n  models2: {}\n",
        );
        // One line, one finding, naming the other service that shares it.
        let found: Vec<&Diagnostic> = d.iter().filter(|d| d.code == "OLL018").collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .expose_unredacted()
                .ends_with("(likewise for service `b`)"),
            "{found:?}"
        );
        assert!(found[0].fix.is_none(), "{found:?}");
    }
}
