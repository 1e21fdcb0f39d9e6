//! What a file's Docker commands build, as the services of a project: one per container
//! (`docker run`, `docker create`, `podman run`), networks from `docker network create`,
//! containers joined to them by `docker network connect`, and `docker exec` as a process in
//! the named container's namespace.
//!
//! The mapping onto the compose model: a container is a service named by its `--name` (its
//! `container_name` too); one without `--network` is on the default bridge
//! (`network_mode: bridge`), where no name resolves but a `--link` alias; `--network NAME`
//! attaches it to NAME with its `--network-alias`es; `--network host|none|container:X` are
//! the network modes of the same names. `-p`, `-e`, `--env-file`, `--add-host`, `--link`, `-v`
//! and the command after the image become the fields of the same names. A later
//! `docker run --name X` replaces an earlier X, as docs list alternatives.
//!
//! The container's environment is docker's: the `--env-file`s first, in order, then every
//! `-e`, wherever it stands on the line ("Regardless of the order of these three flags, the
//! --env-file are processed first, and then -e, --env flags": docker/cli `opts/parse.go`,
//! `readKVStrings`, which appends the `-e` values after the files' "to allow override"; facts.md,
//! "docker run's environment"). `-e VAR` and a file's `VAR` line without `=` take VAR from
//! the environment docker runs in (`opts/env.go` `ValidateEnv`, `pkg/kvfile`): what the text
//! exported before the command ([`super::words::Command::exported`]), else nothing.
//!
//! A command whose flags cannot all be read (a flag this table does not know may or may not
//! take a value, so the image cannot be found for certain) is left out, and the project is
//! partial: a name it could have defined is not reported unknown.

use std::collections::{BTreeSet, HashMap};

use crate::compose::extra_hosts::parse_list_item;
use crate::compose::model::{
    EnvFileRef, EnvSource, EnvVar, Link, Mount, Network, Port, Project, RunLine, Service,
    ServiceNetwork, Spanned,
};
use crate::compose::ports::parse_short;
use crate::dotenv::DotenvEntry;
use crate::net::Platform;
use crate::source::{FileId, Span};
use crate::text::Text;

use super::words::Command;

/// `docker run` options that take a value (docker CLI 28 `docker run --help`, podman's common
/// ones), long and short.
const VALUE_OPTIONS: &[&str] = &[
    "--add-host",
    "--annotation",
    "--attach",
    "-a",
    "--blkio-weight",
    "--blkio-weight-device",
    "--cap-add",
    "--cap-drop",
    "--cgroup-parent",
    "--cgroupns",
    "--cidfile",
    "--cpu-period",
    "--cpu-quota",
    "--cpu-rt-period",
    "--cpu-rt-runtime",
    "--cpu-shares",
    "-c",
    "--cpus",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--device",
    "--device-cgroup-rule",
    "--device-read-bps",
    "--device-read-iops",
    "--device-write-bps",
    "--device-write-iops",
    "--detach-keys",
    "--dns",
    "--dns-option",
    "--dns-search",
    "--domainname",
    "--entrypoint",
    "--env",
    "-e",
    "--env-file",
    "--expose",
    "--gpus",
    "--group-add",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-start-interval",
    "--health-start-period",
    "--health-timeout",
    "--hostname",
    "-h",
    "--ip",
    "--ip6",
    "--ipc",
    "--isolation",
    "--kernel-memory",
    "--label",
    "-l",
    "--label-file",
    "--link",
    "--link-local-ip",
    "--log-driver",
    "--log-opt",
    "--mac-address",
    "--memory",
    "-m",
    "--memory-reservation",
    "--memory-swap",
    "--memory-swappiness",
    "--mount",
    "--name",
    "--network",
    "--net",
    "--network-alias",
    "--net-alias",
    "--oom-score-adj",
    "--pid",
    "--pids-limit",
    "--platform",
    "--publish",
    "-p",
    "--pull",
    "--restart",
    "--runtime",
    "--security-opt",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--storage-opt",
    "--sysctl",
    "--tmpfs",
    "--user",
    "-u",
    "--ulimit",
    "--userns",
    "--uts",
    "--volume",
    "-v",
    "--volume-driver",
    "--volumes-from",
    "--workdir",
    "-w",
    "--device",
    "--pod",
    "--arch",
    "--os",
    "--secret",
    "--env-host",
];

/// `docker run` options without a value.
const FLAG_OPTIONS: &[&str] = &[
    "--detach",
    "-d",
    "--disable-content-trust",
    "--init",
    "--interactive",
    "-i",
    "--no-healthcheck",
    // Podman's: no /etc/hosts entries for the host's names.
    "--no-hosts",
    "--oom-kill-disable",
    "--privileged",
    "--publish-all",
    "-P",
    "--quiet",
    "-q",
    "--read-only",
    "--rm",
    "--sig-proxy",
    "--tty",
    "-t",
    "--use-api-socket",
    "--replace",
];

/// The short options that may be bundled (`-dit`), and which of them take a value.
const SHORT_FLAGS: &str = "diPqt";
const SHORT_VALUES: &str = "acehlmpuvw";

/// One container the commands start.
struct Container {
    service: Service,
    /// In a Markdown document, the sections its command stands in (where each heading above
    /// it starts, the outermost first).
    sections: std::sync::Arc<Vec<usize>>,
    /// The Podman pod it joins (`--pod`), whose network namespace its containers share.
    pod: Option<Text>,
}

/// Reads the env file a `--env-file` names (its path as written): the file and its entries,
/// or None when it cannot be read or parsed.
pub type EnvFiles<'a> = dyn FnMut(&str) -> Option<(FileId, Vec<DotenvEntry>)> + 'a;

/// Adds what `commands` build to `project`.
pub fn build(project: &mut Project, src: &str, commands: &[Command], env_files: &mut EnvFiles) {
    let mut containers: Vec<Container> = Vec::new();
    let mut networks: BTreeSet<String> = BTreeSet::new();
    let mut created: Vec<(String, Span)> = Vec::new();
    let mut pods: HashMap<String, Pod> = HashMap::new();
    for command in commands {
        let Some(DockerArgs {
            program,
            podman,
            sudo,
            args,
            spans,
            environment,
        }) = docker_args(command)
        else {
            continue;
        };
        let words: Vec<&str> = args.iter().map(|w| w.as_str()).collect();
        match words.as_slice() {
            ["run" | "create", ..] | ["container", "run" | "create", ..] => {
                let skip = if words[0] == "container" { 2 } else { 1 };
                let subcommand = &args[skip - 1];
                let run = Launch {
                    command,
                    // Fixes edit the line where `run` is written as itself, not where a
                    // variable that holds it is used (`$(RUN)` in a Makefile).
                    line: (subcommand.exact_span(0..subcommand.value.len())
                        == Some(spans[skip - 1]))
                    .then_some(RunLine {
                        program,
                        sudo,
                        subcommand: spans[skip - 1],
                        shell: command.shell,
                        layout: command.layout,
                    }),
                    index: containers.len(),
                    environment: &environment,
                    podman,
                };
                match container(&args[skip..], &spans[skip..], &run, env_files) {
                    Some(mut c) => {
                        // Docker names a container started without `--name` at random; the
                        // reader knows it by its image and line.
                        if c.service.container_name.is_none()
                            && let Some(image) = &c.service.image
                        {
                            let short = image_name(image.as_str());
                            let line = line_of(src, command.span.start);
                            c.service.name = format!("{short} (line {line})");
                        }
                        if let Some(pod) = c.pod.clone()
                            && !join_pod(&mut c, &pod, &mut pods)
                        {
                            // A pod made elsewhere: what it publishes is not known.
                            project.partial = true;
                            continue;
                        }
                        for n in &c.service.networks {
                            networks.insert(n.name.clone());
                        }
                        containers.push(c);
                    }
                    None => project.partial = true,
                }
            }
            ["pod", "create", rest @ ..] if podman => {
                let (name, ports) = pod_create(rest, &args[2..], &spans[2..]);
                match name {
                    Some(name) => {
                        pods.insert(name, Pod { ports, owner: None });
                    }
                    None => project.partial = true,
                }
            }
            ["network", "create", rest @ ..] => {
                let name = (0..rest.len())
                    .rev()
                    .find(|&i| !rest[i].starts_with('-') && !is_network_create_value(rest, i));
                if let Some(name) = name {
                    let i = 2 + name;
                    created.push((args[i].value.clone(), spans[i]));
                }
            }
            ["network", "connect", rest @ ..] => {
                let positional: Vec<usize> = (0..rest.len())
                    .filter(|&i| !rest[i].starts_with('-') && !is_option_value(rest, i))
                    .collect();
                let alias = rest
                    .iter()
                    .position(|w| *w == "--alias")
                    .and_then(|i| args.get(2 + i + 1).cloned());
                if let [net, target, ..] = positional.as_slice() {
                    let (net, target) = (rest[*net], rest[*target]);
                    match containers
                        .iter_mut()
                        .rev()
                        .find(|c| c.service.name == target)
                    {
                        Some(c) => {
                            networks.insert(net.to_string());
                            attach(&mut c.service, net, None, alias.into_iter().collect());
                        }
                        None => project.partial = true,
                    }
                }
            }
            ["exec", ..] | ["container", "exec", ..] => {
                let skip = if words[0] == "container" { 2 } else { 1 };
                // Into a container the file does not start, nothing is known of where the
                // process runs: it is not judged.
                let started = |s: &Service| {
                    let target = s.network_mode.as_ref().map(|m| m.value.as_str());
                    containers
                        .iter()
                        .any(|c| target == Some(format!("service:{}", c.service.name).as_str()))
                };
                if let Some(service) =
                    exec(&args[skip..], &spans[skip..], command, containers.len()).filter(started)
                {
                    containers.push(Container {
                        service,
                        sections: command.sections.clone(),
                        pod: None,
                    });
                }
            }
            _ => {}
        }
    }
    // A network the file creates is the project's even when no container joins it yet: a fix
    // that would create it again must see it.
    networks.extend(created.iter().map(|(n, _)| n.clone()));
    for name in networks {
        let created_here = created.iter().find(|(n, _)| *n == name);
        project.networks.push(Network {
            key: name.clone(),
            key_span: created_here.map(|(_, s)| *s),
            name: name.clone(),
            // A network the file does not create was made elsewhere.
            external: created_here.is_none(),
        });
    }
    mark_alternatives(&mut containers, src);
    for c in containers {
        project
            .service_index
            .insert(c.service.name.clone(), project.services.len());
        project.services.push(c.service);
    }
}

/// A Podman pod the commands create: the ports `podman pod create` publishes, and the
/// container that joined it first, whose network namespace the pod's containers share (all of
/// them share the pod's infra container's: Podman docs, `podman-pod-create(1)`; facts.md).
struct Pod {
    ports: Vec<Port>,
    owner: Option<String>,
}

/// `podman pod create`'s pod name (`--name`, `-n`, or the last word that is no option's
/// value) and the ports it publishes (`-p`, `--publish`).
fn pod_create(rest: &[&str], args: &[Text], spans: &[Span]) -> (Option<String>, Vec<Port>) {
    let mut name = None;
    let mut ports = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let word = rest[i];
        let (option, inline) = match word.split_once('=') {
            Some((o, _)) if word.starts_with('-') => {
                (o, Some(args[i].slice(o.len() + 1..word.len())))
            }
            _ => (word, None),
        };
        let takes_value = option.starts_with('-') && !POD_CREATE_FLAGS.contains(&option);
        let value = match (takes_value, inline) {
            (true, Some(v)) => Some(v),
            (true, None) => {
                i += 1;
                args.get(i).cloned()
            }
            (false, _) => None,
        };
        match (option, value) {
            ("--name" | "-n", Some(v)) => name = Some(v.value),
            ("--publish" | "-p", Some(v)) => ports.extend(published(&v, spans[i])),
            (positional, None) if !positional.starts_with('-') => {
                name = Some(positional.to_string());
            }
            _ => {}
        }
        i += 1;
    }
    (name, ports)
}

/// `podman pod create` options that take no value (podman 5 `podman pod create --help`).
const POD_CREATE_FLAGS: &[&str] = &[
    "--exit-policy-stop",
    "--infra",
    "--no-hosts",
    "--replace",
    "--share-parent",
    "--help",
];

/// Puts container `c` in pod `pod` (`NAME`, or `new:NAME`, which creates it): the first to
/// join owns the pod's namespace and its published ports, the others share the owner's
/// namespace. False when the pod was made elsewhere.
fn join_pod(c: &mut Container, pod: &Text, pods: &mut HashMap<String, Pod>) -> bool {
    let (name, new) = match pod.as_str().strip_prefix("new:") {
        Some(name) => (name.to_string(), true),
        None => (pod.value.clone(), false),
    };
    if new {
        pods.entry(name.clone()).or_insert(Pod {
            ports: Vec::new(),
            owner: None,
        });
    }
    let Some(pod) = pods.get_mut(&name) else {
        return false;
    };
    match &pod.owner {
        Some(owner) => {
            c.service.network_mode = Some(Text::synthetic(format!("service:{owner}")));
            c.service.networks.clear();
            c.service.ports.clear();
        }
        None => {
            pod.owner = Some(c.service.name.clone());
            c.service.ports.extend(pod.ports.iter().cloned());
        }
    }
    true
}

/// Containers started under one name are alternatives (docs list the command for a GPU and
/// for a CPU, or for each way to reach Ollama): they never run together. Each gets a profile
/// of its own, named after its line, so that each is judged with the containers that have no
/// alternative and without the others; the last is known by the name, the earlier ones by
/// the name and their line, and each answers to the name as its container's name.
///
/// The commands run in order: a container started after some of a name's alternatives runs
/// beside the latest of them (a docs page that starts `some-mariadb` for each example pairs
/// each client with the server just before it), not beside one started further on, so it is
/// judged with that one alone (and, unless it runs inside it, without any); an `exec` into the
/// name or a `--link` to it is into that one.
fn mark_alternatives(containers: &mut [Container], src: &str) {
    let names: Vec<String> = containers.iter().map(|c| c.service.name.clone()).collect();
    let sections: Vec<std::sync::Arc<Vec<usize>>> =
        containers.iter().map(|c| c.sections.clone()).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for name in &names {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    let is_grouped: Vec<bool> = names.iter().map(|n| counts[n.as_str()] > 1).collect();
    let grouped = |i: usize| is_grouped[i];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate().filter(|(i, _)| is_grouped[*i]) {
        let g = *group_of.entry(name.as_str()).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut known_as: Vec<String> = names.clone();
    let mut profile: Vec<Option<String>> = vec![None; containers.len()];
    for (i, c) in containers.iter_mut().enumerate() {
        if !grouped(i) {
            continue;
        }
        let line = line_of(src, c.service.key_span.start);
        profile[i] = Some(format!("line {line}"));
        c.service.profiles = vec![Text::synthetic(format!("line {line}"))];
        if names.iter().rposition(|n| *n == names[i]) != Some(i) {
            known_as[i] = format!("{} (line {line})", c.service.name);
            c.service.name.clone_from(&known_as[i]);
        }
    }
    // The latest alternative of each name started before the container at hand.
    let mut latest_of: HashMap<&str, usize> = HashMap::new();
    for (i, c) in containers.iter_mut().enumerate() {
        if grouped(i) {
            latest_of.insert(names[i].as_str(), i);
            continue;
        }
        let latest = |name: &str| latest_of.get(name).copied();
        let mut inside = false;
        let mut with: BTreeSet<String> = BTreeSet::new();
        let exec_target = c
            .service
            .network_mode
            .as_ref()
            .and_then(|m| m.value.strip_prefix("service:").map(str::to_string));
        if let Some(target) = exec_target
            && let Some(j) = latest(&target)
        {
            c.service.network_mode = Some(Text::synthetic(format!("service:{}", known_as[j])));
            with.extend(profile[j].clone());
            inside = true;
        }
        for link in &mut c.service.links {
            if let Some(j) = latest(&link.service) {
                link.alias.get_or_insert_with(|| link.service.clone());
                link.service.clone_from(&known_as[j]);
                with.extend(profile[j].clone());
                inside = true;
            }
        }
        let before: BTreeSet<String> = latest_of
            .values()
            .filter_map(|&j| profile[j].clone())
            .collect();
        let setup = same_section(&sections, &groups, i);
        let profiles: Vec<Text> = if !setup.is_empty() && !inside {
            // Started in the section of one of a name's alternatives, and not in the others':
            // part of that setup (docs: "Option A: Ollama in Docker", "Option B: Ollama on
            // the host"), never run with another.
            setup
                .into_iter()
                .filter_map(|j| profile[j].clone())
                .map(Text::synthetic)
                .collect()
        } else if inside {
            // Only where what it runs in, or is linked to, runs.
            with.into_iter().map(Text::synthetic).collect()
        } else if before.is_empty() {
            continue;
        } else {
            // Also in Compose's default selection, where none of the alternatives runs.
            std::iter::once(String::new())
                .chain(before)
                .map(Text::synthetic)
                .collect()
        };
        c.service.profiles = profiles;
    }
}

/// The alternatives container `i` (itself none) belongs with by its section: for each name
/// with alternatives (`groups`, each the indices of one name's containers), those under the
/// innermost heading above container `i` that holds some of them, unless it holds them all
/// (then the section is shared by every setup, as is a page without headings).
fn same_section(
    sections: &[std::sync::Arc<Vec<usize>>],
    groups: &[Vec<usize>],
    i: usize,
) -> Vec<usize> {
    let mut setup = Vec::new();
    if sections[i].is_empty() {
        return setup;
    }
    for members in groups {
        let under = |heading: usize, k: usize| sections[k].contains(&heading);
        let innermost = sections[i]
            .iter()
            .rev()
            .find(|&&heading| members.iter().any(|&k| under(heading, k)));
        if let Some(&heading) = innermost {
            let inside: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&k| under(heading, k))
                .collect();
            if inside.len() < members.len() {
                setup.extend(inside);
            }
        }
    }
    setup
}

/// The last component of an image reference's path, without tag or digest:
/// `ghcr.io/open-webui/open-webui:main` → `open-webui`.
fn image_name(reference: &str) -> &str {
    let path = reference.split('@').next().unwrap_or(reference);
    let last = path.rsplit('/').next().unwrap_or(path);
    last.split(':').next().unwrap_or(last)
}

/// The 1-based line of byte `at` of `src`.
fn line_of(src: &str, at: usize) -> usize {
    src.get(..at)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Whether `command` runs Docker (or Podman).
pub fn runs_docker(command: &Command) -> bool {
    docker_args(command).is_some()
}

/// A docker command's words after `docker`/`podman`, with their spans, and the environment
/// docker runs in.
struct DockerArgs {
    /// The `docker`/`podman` word, and whether `sudo` runs it.
    program: Span,
    podman: bool,
    sudo: bool,
    args: Vec<Text>,
    spans: Vec<Span>,
    environment: HashMap<String, Text>,
}

/// The words after `docker`/`podman` (and `sudo`, `env`, their options, and `VAR=value`
/// prefixes). Docker's environment is what the text exported, with the command's own
/// `VAR=value` prefixes; `sudo` starts it afresh (sudoers' default `env_reset`) unless told to
/// keep it (`-E`, `--preserve-env`), and so does `env -i`.
fn docker_args(command: &Command) -> Option<DockerArgs> {
    let words = &command.words;
    let mut inherited: HashMap<String, Text> = (*command.exported).clone();
    // `VAR=value` words since the last program word: that program's own variables.
    let mut assigned: HashMap<String, Text> = HashMap::new();
    let mut sudo_resets = false;
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let word = w.as_str();
        match word {
            "sudo" | "env" => {
                inherited.extend(assigned.drain());
                sudo_resets |= word == "sudo";
            }
            // Programs that run the command after them as it is (`exec docker run …` ends
            // many wrapper scripts), environment and all.
            "exec" | "nohup" | "command" | "time" => {
                inherited.extend(assigned.drain());
            }
            "-E" | "--preserve-env" => sudo_resets = false,
            "-i" | "--ignore-environment" if words[..i].iter().any(|w| w.as_str() == "env") => {
                inherited.clear();
            }
            // sudo's and env's options that take the next word (sudo(8): `-u user`, `-g group`,
            // `-C num`, `-D directory`, `-p prompt`, `-r role`, `-t type`, `-T timeout`,
            // `-U user`; env(1): `-u name`, `-C dir`, `-S string`).
            "-u" | "-g" | "-C" | "-D" | "-p" | "-r" | "-t" | "-T" | "-U" | "-S"
                if words[..i]
                    .iter()
                    .any(|w| matches!(w.as_str(), "sudo" | "env")) =>
            {
                i += 1;
            }
            _ if word.starts_with('-') => {}
            _ => match word.split_once('=') {
                Some((name, _)) if is_assignment(word) => {
                    assigned.insert(name.to_string(), w.slice(name.len() + 1..word.len()));
                }
                _ => break,
            },
        }
        i += 1;
    }
    if sudo_resets {
        inherited.clear();
    }
    inherited.extend(assigned);
    let environment = inherited;
    let program = words.get(i)?.as_str();
    let program = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let program = program.strip_suffix(".exe").unwrap_or(program);
    if program != "docker" && program != "podman" {
        return None;
    }
    Some(DockerArgs {
        program: command.word_spans[i],
        podman: program == "podman",
        sudo: words[..i].iter().any(|w| w.as_str() == "sudo"),
        args: words[i + 1..].to_vec(),
        spans: command.word_spans[i + 1..].to_vec(),
        environment,
    })
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Whether word `i` of `rest` is the value of the option before it (`--alias A`).
/// Whether `rest[i]` is the value of the option before it in `docker network create`
/// (docker CLI 28 `docker network create --help`: `docker network create app-tier --driver
/// bridge`, as Bitnami's READMEs write it, names `app-tier`).
fn is_network_create_value(rest: &[&str], i: usize) -> bool {
    i > 0
        && matches!(
            rest[i - 1],
            "--driver"
                | "-d"
                | "--subnet"
                | "--gateway"
                | "--ip-range"
                | "--opt"
                | "-o"
                | "--label"
                | "--ipam-driver"
                | "--ipam-opt"
                | "--aux-address"
                | "--scope"
                | "--config-from"
                | "--interface-name"
        )
}

fn is_option_value(rest: &[&str], i: usize) -> bool {
    i > 0
        && matches!(
            rest[i - 1],
            "--alias" | "--ip" | "--ip6" | "--link" | "--driver-opt"
        )
}

/// An option of `docker run`, read from `args[i]`: its name, its value (None for a flag), and
/// how many words it took. None for an option the tables do not know.
fn option(args: &[Text], i: usize) -> Option<(String, Option<Text>, usize)> {
    let word = &args[i];
    let w = word.as_str();
    if let Some(long) = w.strip_prefix("--") {
        let (name, inline) = match long.split_once('=') {
            Some((n, _)) => (format!("--{n}"), Some(word.slice(n.len() + 3..w.len()))),
            None => (w.to_string(), None),
        };
        if FLAG_OPTIONS.contains(&name.as_str()) {
            return Some((name, None, 1));
        }
        if !VALUE_OPTIONS.contains(&name.as_str()) {
            return None;
        }
        return match inline {
            Some(v) => Some((name, Some(v), 1)),
            None => Some((name, Some(separate_value(args, i)?), 2)),
        };
    }
    // Short options, bundled or not: flags first, then at most one that takes a value
    // (its value the rest of the word, or the next word).
    let shorts = w.strip_prefix('-')?;
    for (at, c) in shorts.char_indices() {
        if SHORT_FLAGS.contains(c) {
            continue;
        }
        if !SHORT_VALUES.contains(c) {
            return None;
        }
        let name = format!("-{c}");
        let rest = at + c.len_utf8();
        if rest < shorts.len() {
            return Some((name, Some(word.slice(1 + rest..w.len())), 1));
        }
        return Some((name, Some(separate_value(args, i)?), 2));
    }
    Some((w.to_string(), None, 1))
}

/// The value of the option at `args[i]` written as the next word. docker takes that word
/// whatever it is, so `-p --network=host` (a port left out) publishes `--network=host`,
/// which docker refuses: the command runs nothing, and None leaves it out.
fn separate_value(args: &[Text], i: usize) -> Option<Text> {
    args.get(i + 1)
        .filter(|value| !value.as_str().starts_with("--"))
        .cloned()
}

/// Whether option word `w` is `-P`/`--publish-all`, alone or in a bundle of short flags
/// (`-dP`, `-dPe X`): the flags before the first that takes a value.
fn publishes_all(w: &str) -> bool {
    if let Some(long) = w.strip_prefix("--") {
        return long == "publish-all" || long == "publish-all=true";
    }
    w.strip_prefix('-').is_some_and(|shorts| {
        shorts
            .chars()
            .take_while(|c| SHORT_FLAGS.contains(*c))
            .any(|c| c == 'P')
    })
}

/// A `docker run`/`create` command being read.
struct Launch<'a> {
    command: &'a Command,
    /// Where fixes edit it, when they can.
    line: Option<RunLine>,
    /// How many containers came before.
    index: usize,
    /// The environment docker runs in.
    environment: &'a HashMap<String, Text>,
    /// Podman runs it, not Docker.
    podman: bool,
}

impl Launch<'_> {
    /// Variable `name` of the environment docker runs in. Windows reads environment names
    /// in any case; the readers of its shells keep them uppercase.
    fn inherited(&self, name: &str) -> Option<Text> {
        if self.command.shell.is_windows() {
            self.environment.get(&name.to_ascii_uppercase()).cloned()
        } else {
            self.environment.get(name).cloned()
        }
    }
}

/// What the options say that is settled only once all are read.
#[derive(Default)]
struct Pending {
    network: Option<(Text, Span)>,
    aliases: Vec<Text>,
    /// From `--env-file`s, in order.
    from_files: Vec<EnvVar>,
    /// From `-e`/`--env`, in order.
    from_flags: Vec<EnvVar>,
    /// Podman's `--pod NAME` (`new:NAME` creates it).
    pod: Option<Text>,
}

/// The container a `docker run` starts. None when an option is not known.
fn container(
    args: &[Text],
    spans: &[Span],
    run: &Launch,
    env_files: &mut EnvFiles,
) -> Option<Container> {
    let mut service = new_service(run.command, run.index);
    service.run_line = run.line;
    // Docker commands in PowerShell or cmd run on Docker Desktop for Windows; a section's
    // title may say where the others run.
    let windows = run.command.shell.is_windows().then_some(Platform::Desktop);
    service.platform = windows.or(run.command.platform);
    let mut pending = Pending::default();
    let mut i = 0;
    while i < args.len() {
        if !args[i].as_str().starts_with('-') || args[i].as_str() == "-" {
            break;
        }
        let (name, value, taken) = option(args, i)?;
        let value_span = spans[(i + taken - 1).min(spans.len() - 1)];
        let entry = Span::new(spans[i].file, spans[i].start, value_span.end);
        match (name.as_str(), value) {
            ("--env-file", Some(path)) => {
                env_file(&mut service, &mut pending, &path, entry, run, env_files);
            }
            (_, Some(value)) => apply(&mut service, &name, value, entry, &mut pending, run),
            (_, None) => {}
        }
        if publishes_all(args[i].as_str()) {
            service.publish_all = Some(spans[i]);
        }
        i += taken;
    }
    let image = args.get(i)?;
    // A placeholder (`...`, `<image>`, `IMAGE`, an unset `$IMAGE`) is no command a reader
    // runs as written.
    if !crate::knowledge::image::is_reference(image.as_str()) {
        return None;
    }
    service.image = Some(image.clone());
    // Podman writes both names of the host into every container's /etc/hosts, unless told
    // not to (docs/knowledge/facts.md, Podman).
    if run.podman && !args[..i].iter().any(|a| a.as_str() == "--no-hosts") {
        for name in ["host.containers.internal", "host.docker.internal"] {
            let entry = format!("{name}:host-gateway");
            service.extra_hosts.extend(
                parse_list_item(&entry)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|h| Spanned {
                        value: h,
                        span: run.command.span,
                    }),
            );
        }
    }
    if args.len() > i + 1 {
        service.command = Some(args[i + 1..].to_vec());
    }
    service.environment = environment(&mut service.partial, pending.from_files, pending.from_flags);
    match pending.network {
        None => service.network_mode = Some(Text::synthetic("bridge")),
        Some((net, span)) => match net.as_str() {
            "host" | "none" | "bridge" | "default" => service.network_mode = Some(net),
            mode if mode.starts_with("container:") => service.network_mode = Some(net),
            name => attach(&mut service, name, Some(span), pending.aliases),
        },
    }
    Some(Container {
        service,
        sections: run.command.sections.clone(),
        pod: pending.pod,
    })
}

/// The variables of the env file `path` names, added to those of the files before it.
fn env_file(
    service: &mut Service,
    pending: &mut Pending,
    path: &Text,
    entry: Span,
    run: &Launch,
    env_files: &mut EnvFiles,
) {
    // Docker refuses to start a container whose env file it cannot read, but a file the text
    // does not show may well exist where it runs: a document tells the reader to write it, a
    // script makes it from a template. Its variables are then unknown, not unset.
    let Some((file, entries)) = env_files(path.as_str()) else {
        service.partial = true;
        return;
    };
    service.env_files.push(EnvFileRef {
        path: path.value.clone().into(),
        span: entry,
        required: true,
        raw: true,
        file: Some(file),
    });
    for e in entries {
        // A key alone on its line is taken from docker's environment, and left out when that
        // lacks it (`pkg/kvfile`).
        let Some(value) = e.value.or_else(|| run.inherited(&e.key)) else {
            continue;
        };
        pending.from_files.retain(|v| v.key != e.key);
        pending.from_files.push(EnvVar {
            key: e.key,
            value: Some(value),
            source: EnvSource::EnvFile {
                file,
                span: e.value_span.unwrap_or(e.key_span),
            },
        });
    }
}

/// The container's environment: the env files' variables, overridden by every `-e` (a later
/// one of a name wins, as a later line of the files does).
fn environment(
    partial: &mut bool,
    from_files: Vec<EnvVar>,
    from_flags: Vec<EnvVar>,
) -> Vec<EnvVar> {
    let mut out = from_files;
    for var in from_flags {
        // `-e VAR` that docker's environment lacks is passed as the bare name, which the
        // engine reads as "unset" only for the image's variables (moby `container/env.go`,
        // `ReplaceOrAppendEnvValues`): whether a file's VAR survives it is not certain.
        if var.value.is_none() && out.iter().any(|v| v.key == var.key) {
            *partial = true;
            out.retain(|v| v.key != var.key);
            continue;
        }
        out.retain(|v| v.key != var.key);
        out.push(var);
    }
    out
}

/// A process `docker exec` runs in container `args[name]`: a service in that container's
/// namespace whose command is the process.
fn exec(args: &[Text], spans: &[Span], command: &Command, index: usize) -> Option<Service> {
    let mut i = 0;
    while i < args.len() && args[i].as_str().starts_with('-') {
        let w = args[i].as_str();
        let takes_value = matches!(
            w,
            "-e" | "--env" | "-u" | "--user" | "-w" | "--workdir" | "--env-file" | "--detach-keys"
        );
        i += if takes_value { 2 } else { 1 };
    }
    let target = args.get(i)?;
    let mut service = new_service(command, index);
    service.key_span = spans[i];
    service.network_mode = Some(Text::synthetic(format!("service:{}", target.as_str())));
    service.command = Some(args.get(i + 1..)?.to_vec());
    Some(service)
}

fn attach(service: &mut Service, network: &str, span: Option<Span>, aliases: Vec<Text>) {
    service.network_mode = None;
    if let Some(n) = service.networks.iter_mut().find(|n| n.name == network) {
        n.aliases.extend(aliases);
        return;
    }
    service.networks.push(ServiceNetwork {
        name: network.to_string(),
        span,
        aliases,
    });
}

/// The ports `-p VALUE` (written at `entry`) publishes; none when docker refuses it.
fn published(value: &Text, entry: Span) -> Vec<Port> {
    let Ok(mappings) = parse_short(value.as_str()) else {
        return Vec::new();
    };
    mappings
        .into_iter()
        .map(|mapping| {
            let part =
                |r: &Option<std::ops::Range<usize>>| r.as_ref().map(|r| value.slice(r.clone()));
            Port {
                published: part(&mapping.published_range),
                target: part(&mapping.target_range),
                host_ip: part(&mapping.host_ip_range),
                span: entry,
                mapping,
            }
        })
        .collect()
}

/// Sets what one option says on the service.
fn apply(
    service: &mut Service,
    name: &str,
    value: Text,
    entry: Span,
    pending: &mut Pending,
    run: &Launch,
) {
    match name {
        "--name" => {
            service.name = value.value.clone();
            service.container_name = Some(value);
        }
        "--hostname" | "-h" => service.hostname = Some(value),
        "--network" | "--net" => pending.network = Some((value, entry)),
        "--network-alias" | "--net-alias" => pending.aliases.push(value),
        "--env" | "-e" => {
            let (key, text) = match value.value.find('=') {
                Some(eq) => (
                    value.value[..eq].to_string(),
                    Some(value.slice(eq + 1..value.value.len())),
                ),
                // `-e VAR` passes VAR from docker's environment.
                None => (value.value.clone(), run.inherited(&value.value)),
            };
            pending.from_flags.retain(|e| e.key != key);
            pending.from_flags.push(EnvVar {
                key,
                value: text,
                source: EnvSource::Environment { span: entry },
            });
        }
        "--publish" | "-p" => service.ports.extend(published(&value, entry)),
        "--pod" => pending.pod = Some(value),
        "--add-host" => {
            if let Ok(hosts) = parse_list_item(value.as_str()) {
                service
                    .extra_hosts
                    .extend(hosts.into_iter().map(|h| Spanned {
                        value: h,
                        span: entry,
                    }));
            }
        }
        "--link" => {
            let (target, alias) = match value.value.split_once(':') {
                Some((t, a)) => (t.to_string(), Some(a.to_string())),
                None => (value.value.clone(), None),
            };
            service.links.push(Link {
                service: target,
                alias,
                span: entry,
            });
        }
        "--volume" | "-v" => service.volumes.push(volume(value.as_str(), entry)),
        _ => {}
    }
}

/// A service for the container `command` starts, named after its place until `--name` says
/// otherwise: a name no other container can resolve (a space is in no DNS name).
fn new_service(command: &Command, index: usize) -> Service {
    Service::named(format!("container {}", index + 1), command.span)
}

/// The mount `-v SOURCE:TARGET[:OPTIONS]` (or `-v TARGET`) names. A source that is a path
/// (`./models`, `/srv/models`, `~/models`, `$PWD/models`, `%CD%\models`, `C:\models`; a
/// drive's colon is no separator) is bound; a name is a volume.
fn volume(v: &str, span: Span) -> Mount {
    let bytes = v.as_bytes();
    let drive = bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    let skip = if drive { 2 } else { 0 };
    let (source, target) = match v[skip..].split_once(':') {
        Some((s, rest)) => (
            Some(v[..skip + s.len()].to_string()),
            rest.split(':').next().unwrap_or(rest),
        ),
        None => (None, v),
    };
    let bind = drive
        || source
            .as_deref()
            .is_some_and(|s| s.starts_with(['/', '.', '~', '$', '%', '\\']));
    Mount {
        kind: if bind { "bind" } else { "volume" }.to_string(),
        source,
        target: target.to_string(),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::words::{Layout, Shell, Variables, commands};
    use crate::source::SourceFile;

    type Vars = Vec<(String, Option<String>)>;

    #[test]
    fn publish_all_is_read_alone_bundled_and_long() {
        for yes in [
            "-P",
            "-dP",
            "-Pd",
            "-dPe",
            "--publish-all",
            "--publish-all=true",
        ] {
            assert!(publishes_all(yes), "{yes}");
        }
        // `-eP` is `-e P`: a variable named P. `-p` publishes one port.
        for no in ["-p", "-eP", "-d", "--publish", "--publish-all=false", "P"] {
            assert!(!publishes_all(no), "{no}");
        }
    }

    /// The environment of each container `script` starts, and whether it is partial, with
    /// `env` as the file every `--env-file` names (`None`: it cannot be read).
    fn environments(script: &str, env: Option<&str>) -> Vec<(Vars, bool)> {
        let file = SourceFile::new(FileId(1), "app.env".into(), env.unwrap_or("").to_string());
        let mut read =
            |_: &str| env.map(|_| (FileId(1), crate::dotenv::parse_raw(&file).unwrap().entries));
        built(script, &mut read)
            .services
            .iter()
            .map(|s| {
                let vars = s
                    .environment
                    .iter()
                    .map(|v| (v.key.clone(), v.value.as_ref().map(|t| t.value.clone())))
                    .collect();
                (vars, s.partial)
            })
            .collect()
    }

    fn var(key: &str, value: Option<&str>) -> (String, Option<String>) {
        (key.to_string(), value.map(str::to_string))
    }

    /// The project a POSIX script builds, its env files read with `read`.
    fn built(script: &str, read: &mut EnvFiles) -> Project {
        let cmds = commands(
            FileId(0),
            script,
            0..script.len(),
            Shell::Posix,
            Layout::Script,
            &mut Variables::new(),
        );
        let mut project = Project::default();
        build(&mut project, script, &cmds, read);
        project
    }

    #[test]
    fn network_create_names_its_network_before_or_after_its_options() {
        let script = "docker network create app-tier --driver bridge\ndocker network create -d bridge --subnet 10.0.0.0/24 back\n";
        let project = built(script, &mut |_: &str| None);
        let created: Vec<(&str, bool)> = project
            .networks
            .iter()
            .map(|n| (n.name.as_str(), n.external))
            .collect();
        assert_eq!(created, vec![("app-tier", false), ("back", false)]);
    }

    #[test]
    fn every_e_overrides_the_env_files_wherever_it_stands() {
        let found = environments(
            "docker run -e A=flag --env-file app.env -e C=flag img\n",
            Some("A=file\nB=file\nC=file\n"),
        );
        assert_eq!(
            found,
            [(
                vec![
                    var("B", Some("file")),
                    var("A", Some("flag")),
                    var("C", Some("flag"))
                ],
                false
            )]
        );
    }

    #[test]
    fn a_bare_name_takes_what_the_text_exported() {
        let script = "export URL=http://x:1\nLOCAL=y\ndocker run -e URL -e LOCAL --env-file app.env img\nsudo docker run -e URL img\nsudo -E docker run -e URL img\n";
        let found = environments(script, Some("URL2\nNONE\n"));
        // The file's bare `URL2` is not exported: left out; `LOCAL` is the shell's own.
        assert_eq!(
            found[0].0,
            [var("URL", Some("http://x:1")), var("LOCAL", None)]
        );
        assert_eq!(
            found[1].0,
            [var("URL", None)],
            "sudo resets the environment"
        );
        assert_eq!(found[2].0, [var("URL", Some("http://x:1"))]);
    }

    #[test]
    fn an_env_file_that_cannot_be_read_leaves_the_container_partial() {
        let found = environments("docker run --env-file app.env -e A=1 img\n", None);
        assert_eq!(found, [(vec![var("A", Some("1"))], true)]);
    }

    #[test]
    fn a_prefix_assignment_is_in_dockers_environment() {
        let found = environments("URL=http://x:1 docker run -e URL img\n", None);
        assert_eq!(found[0].0, [var("URL", Some("http://x:1"))]);
    }

    #[test]
    fn volumes_and_binds_in_every_shell() {
        let at = Span::new(FileId(0), 0, 0);
        let read = |v: &str| {
            let m = volume(v, at);
            (m.kind, m.source, m.target)
        };
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            read("ollama:/root/.ollama"),
            ("volume".into(), some("ollama"), "/root/.ollama".into())
        );
        assert_eq!(
            read("./data:/data:ro"),
            ("bind".into(), some("./data"), "/data".into())
        );
        assert_eq!(
            read("C:\\models:/root/.ollama"),
            ("bind".into(), some("C:\\models"), "/root/.ollama".into())
        );
        assert_eq!(
            read("%CD%\\data:/data"),
            ("bind".into(), some("%CD%\\data"), "/data".into())
        );
        assert_eq!(read("/cache"), ("volume".into(), None, "/cache".into()));
    }
}
