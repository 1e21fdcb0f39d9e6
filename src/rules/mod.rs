//! The rules: each file holds one rule's documentation, its check and its fix.
//!
//! A rule is a plain function over the loaded project; it does no I/O and parses no text.

use crate::compose::issues::LoadIssue;
use crate::compose::model::Project;
use crate::compose::profiles::{self, Selection};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::knowledge::Extensions;
use crate::net::{Network, Platform};
use crate::ollama::{Reference, Servers};
use crate::reach::{Catalog, Found, Kinds};
use crate::reachability::{Verdict, judge};
use crate::shared_networks::SharedNetworks;
use crate::source::{Sources, Span};

pub mod app_defaults;
mod cmp001_yaml_syntax_error;
mod cmp002_duplicate_key;
mod cmp003_invalid_structure;
mod cmp004_undefined_variable;
mod cmp005_invalid_interpolation;
mod cmp006_required_variable_unset;
mod cmp007_dotenv_syntax_error;
mod cmp008_env_file_not_found;
mod cmp009_unknown_service_reference;
mod cmp010_undeclared_network;
mod cmp011_duplicate_published_port;
mod cmp012_ports_with_host_network;
mod cmp013_service_without_image;
mod cmp014_dependency_cycle;
mod cmp015_undeclared_volume;
mod cmp016_ignored_compose_file;
mod cmp017_duplicate_container_name;
mod cmp018_undeclared_secret_or_config;
mod cmp019_env_template_used;
pub(crate) mod cmp900_unknown_code_in_suppression;
pub(crate) mod cmp901_unused_suppression;
mod command_fix;
pub mod docs;
mod fix_conflicts;
pub mod inline_fix;
mod list_fix;
mod net001_loopback_in_container;
mod net002_unspecified_address;
mod net003_detour_through_host;
mod net004_host_gateway_unmapped;
mod net005_unknown_host;
mod net006_wrong_port;
mod net007_no_shared_network;
mod net008_server_listens_on_loopback;
mod net009_port_not_published;
mod net010_wrong_scheme;
mod net018_server_healthcheck_tool_missing;
mod net022_proxy_label_wrong_port;
mod net023_kafka_advertises_loopback;
mod net024_proxy_shares_no_network;
mod net025_proxy_upstream_loopback;
mod oll001_loopback_in_container;
mod oll002_unspecified_address;
mod oll003_detour_through_host;
mod oll004_host_gateway_unmapped;
mod oll005_unknown_host;
mod oll006_wrong_port;
mod oll007_no_shared_network;
mod oll008_ollama_listens_on_loopback;
mod oll009_port_not_published;
mod oll010_wrong_scheme;
mod oll011_wrong_path;
mod oll012_missing_depends_on;
mod oll013_models_not_persisted;
mod oll014_client_default_misses;
mod oll015_proxy_intercepts;
mod oll016_browser_side_reference;
mod oll017_ollama_port_on_non_server;
mod oll018_healthcheck_tool_missing;
mod oll019_server_binds_foreign_address;
mod oll020_variable_not_read;
mod oll021_exec_tool_missing;
mod reference_report;
mod selection_merge;
mod shared_lines;
mod structural_fix;
mod template_values;
mod undeclared;
mod unread_value_fix;
mod wording;

/// What a rule sees: the project, and the Ollama analysis every OLL rule shares (computed
/// once: the servers, the network, each reference with its one verdict).
pub struct Context<'a> {
    pub project: &'a Project,
    pub sources: &'a Sources,
    pub platform: Platform,
    /// Ollama's servers.
    pub servers: &'a Servers,
    /// The servers of every kind, Ollama's first.
    pub kinds: &'a Kinds,
    pub net: &'a Network<'a>,
    /// The Ollama references, each with its verdict (the OLL rules').
    pub references: &'a [(Reference, Verdict)],
    /// The references to servers of every other kind (the NET rules').
    pub net_references: &'a [(Reference, Verdict)],
}

impl Context<'_> {
    /// The platform service `client` runs on: the one its commands say, else the run's.
    /// The servers of the kind `r` is aimed at.
    pub fn servers_of(&self, r: &Reference) -> &Servers {
        self.kinds.of(r.kind).unwrap_or(self.servers)
    }

    pub fn platform_of(&self, client: usize) -> Platform {
        self.project
            .services
            .get(client)
            .and_then(|s| s.platform)
            .unwrap_or(self.platform)
    }
}

/// Runs every rule over a loaded project.
pub fn check_project(project: &Project, sources: &Sources, platform: Platform) -> Vec<Diagnostic> {
    check_project_with(project, sources, platform, &Extensions::default())
}

/// [`check_project`] with what the configuration adds to the knowledge tables. The project is
/// linted under each profile selection a user may run (see [`profiles::selections`]); a
/// finding that does not hold under all of them says under which it does.
pub fn check_project_with(
    project: &Project,
    sources: &Sources,
    platform: Platform,
    extensions: &Extensions,
) -> Vec<Diagnostic> {
    check_project_in(
        project,
        sources,
        platform,
        extensions,
        &SharedNetworks::default(),
    )
}

/// [`check_project_with`] for a project of a run, which resolves the names the other
/// projects of the run provide on the networks it shares with them (`run`).
pub fn check_project_in(
    project: &Project,
    sources: &Sources,
    platform: Platform,
    extensions: &Extensions,
    run: &SharedNetworks,
) -> Vec<Diagnostic> {
    let selections = profiles::selections(project);
    let check_one = |selection: &Selection| {
        let selected = profiles::select(project, selection);
        check_selection(
            selected.as_ref().unwrap_or(project),
            sources,
            platform,
            extensions,
            run,
        )
    };
    match selections.as_slice() {
        [only] => check_one(only),
        _ => selection_merge::merge(
            project,
            &selections,
            selections.iter().map(check_one).collect(),
        ),
    }
}

/// Runs every rule over the services one profile selection starts.
fn check_selection(
    project: &Project,
    sources: &Sources,
    platform: Platform,
    extensions: &Extensions,
    run: &SharedNetworks,
) -> Vec<Diagnostic> {
    with_context(
        project,
        sources,
        platform,
        extensions,
        run,
        Vec::new(),
        check,
    )
}

/// Hands `f` what the rules see of `project` (one profile selection): its servers, its
/// network and every reference with its verdict. `extra` references (a URL `composelint
/// explain` asks about) are judged and seen like the project's own. The graph and `explain`
/// read the wiring through it, so that they follow the rules' engine and no copy of it.
pub fn with_context<R>(
    project: &Project,
    sources: &Sources,
    platform: Platform,
    extensions: &Extensions,
    run: &SharedNetworks,
    extra: Vec<Reference>,
    f: impl FnOnce(&Context) -> R,
) -> R {
    let Found {
        mut kinds,
        ollama: mut ollama_references,
        others: mut other_references,
    } = Found::of(project, sources, extensions);
    kinds.cover(extra.iter().map(|r| r.kind), project.services.len());
    for r in extra {
        if crate::reach::is_ollama(r.kind) {
            ollama_references.push(r);
        } else {
            other_references.push(r);
        }
    }
    let catalog = Catalog { kinds: &kinds.all };
    let net = Network::new(project, &catalog).with_run(run);
    let judge_all = |references: Vec<Reference>| -> Vec<(Reference, Verdict)> {
        let judged = references
            .into_iter()
            .filter_map(|r| {
                let on = project.services[r.client].platform.unwrap_or(platform);
                let verdict = judge(&r, &net, kinds.of(r.kind)?, on);
                Some((r, verdict))
            })
            .collect();
        shared_lines::settle(judged, project, kinds.ollama())
    };
    let judged = judge_all(ollama_references);
    let net_judged = judge_all(other_references);
    let ctx = Context {
        project,
        sources,
        platform,
        servers: kinds.ollama(),
        kinds: &kinds,
        net: &net,
        references: &judged,
        net_references: &net_judged,
    };
    f(&ctx)
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Which fixes the rule offers (each only where its target is certain).
    pub fix: FixAvailability,
    /// Markdown: a one-paragraph summary, then the headings the headings *What it does*, *Why is this bad?*, *Example*,
    /// *Use instead*, *Fix safety*, *Exceptions*.
    pub docs: &'static str,
    pub check: fn(&Context) -> Vec<Diagnostic>,
    /// The file the rule is written in, relative to the crate root.
    pub source: &'static str,
}

impl Rule {
    /// A finding of this rule at `span`.
    pub fn diagnostic(&'static self, message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            code: self.code,
            rule: self.name,
            severity: self.severity,
            message: crate::redact::Sensitive::new(message),
            help: None,
            service: None,
            primary: span,
            primary_label: None,
            related: Vec::new(),
            fix: None,
            profiles: Vec::new(),
            projects: Vec::new(),
            app_default: false,
            beside: None,
        }
    }

    /// The first paragraph of the documentation: what the rule finds, in one line.
    pub fn summary(&self) -> String {
        let first = self.docs.split("\n\n").next().unwrap_or_default();
        if first.trim_start().starts_with('#') {
            return String::new();
        }
        first.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Where the rule's documentation page is.
    pub fn url(&self) -> String {
        format!("{DOCS_BASE_URL}/{}.md", self.code)
    }
}

/// The kinds of fix a rule offers. Declared per rule; a test checks the declaration against
/// the rule's *Fix safety* section and against the fixes its fixtures produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    /// No fix: only the author can decide.
    None,
    /// Safe fixes, applied by `--fix`.
    Safe,
    /// Unsafe fixes, applied only with `--unsafe-fixes`.
    Unsafe,
    /// Safe fixes for some findings, unsafe ones for others.
    Mixed,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Mixed => "safe or unsafe",
        }
    }

    /// Whether a fix of this applicability may come from a rule declared so.
    pub fn allows(self, applicability: Applicability) -> bool {
        match self {
            FixAvailability::None => false,
            FixAvailability::Safe => applicability == Applicability::Safe,
            FixAvailability::Unsafe => applicability == Applicability::Unsafe,
            FixAvailability::Mixed => true,
        }
    }
}

/// The rules' documentation pages in the repository.
pub const DOCS_BASE_URL: &str = "https://github.com/composelint/composelint/blob/main/docs/rules";

/// Declares a rule; its doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            fix: $fix:ident,
            check: $check:path $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            fix: $crate::rules::FixAvailability::$fix,
            docs: concat!($($doc, "\n"),*),
            check: $check,
            source: file!(),
        };
    };
}
pub(crate) use declare_rule;

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &cmp001_yaml_syntax_error::RULE,
    &cmp002_duplicate_key::RULE,
    &cmp003_invalid_structure::RULE,
    &cmp004_undefined_variable::RULE,
    &cmp005_invalid_interpolation::RULE,
    &cmp006_required_variable_unset::RULE,
    &cmp007_dotenv_syntax_error::RULE,
    &cmp008_env_file_not_found::RULE,
    &cmp009_unknown_service_reference::RULE,
    &cmp010_undeclared_network::RULE,
    &cmp011_duplicate_published_port::RULE,
    &cmp012_ports_with_host_network::RULE,
    &cmp013_service_without_image::RULE,
    &cmp014_dependency_cycle::RULE,
    &cmp015_undeclared_volume::RULE,
    &cmp016_ignored_compose_file::RULE,
    &cmp017_duplicate_container_name::RULE,
    &cmp018_undeclared_secret_or_config::RULE,
    &cmp019_env_template_used::RULE,
    &cmp900_unknown_code_in_suppression::RULE,
    &cmp901_unused_suppression::RULE,
    &net001_loopback_in_container::RULE,
    &net002_unspecified_address::RULE,
    &net003_detour_through_host::RULE,
    &net004_host_gateway_unmapped::RULE,
    &net005_unknown_host::RULE,
    &net006_wrong_port::RULE,
    &net007_no_shared_network::RULE,
    &net008_server_listens_on_loopback::RULE,
    &net009_port_not_published::RULE,
    &net010_wrong_scheme::RULE,
    &net018_server_healthcheck_tool_missing::RULE,
    &net022_proxy_label_wrong_port::RULE,
    &net023_kafka_advertises_loopback::RULE,
    &net024_proxy_shares_no_network::RULE,
    &net025_proxy_upstream_loopback::RULE,
    &oll001_loopback_in_container::RULE,
    &oll002_unspecified_address::RULE,
    &oll003_detour_through_host::RULE,
    &oll004_host_gateway_unmapped::RULE,
    &oll005_unknown_host::RULE,
    &oll006_wrong_port::RULE,
    &oll007_no_shared_network::RULE,
    &oll008_ollama_listens_on_loopback::RULE,
    &oll009_port_not_published::RULE,
    &oll010_wrong_scheme::RULE,
    &oll011_wrong_path::RULE,
    &oll012_missing_depends_on::RULE,
    &oll013_models_not_persisted::RULE,
    &oll014_client_default_misses::RULE,
    &oll015_proxy_intercepts::RULE,
    &oll016_browser_side_reference::RULE,
    &oll017_ollama_port_on_non_server::RULE,
    &oll018_healthcheck_tool_missing::RULE,
    &oll019_server_binds_foreign_address::RULE,
    &oll020_variable_not_read::RULE,
    &oll021_exec_tool_missing::RULE,
];

/// The rules whose findings make `docker compose config` refuse the project, found in the
/// loaded model rather than while loading (those are `LoadIssue::is_fatal`): a reference to
/// an undefined service, network, volume, secret or config, a service with nothing to run, a
/// dependency cycle, a container name used twice.
pub const REFUSED_BY_COMPOSE: [&str; 7] = [
    "CMP009", "CMP010", "CMP013", "CMP014", "CMP015", "CMP017", "CMP018",
];

pub fn find(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// Runs every rule over a project.
pub fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = RULES
        .iter()
        .filter(|rule| {
            !(ctx.project.from_commands || ctx.project.document_block.is_some())
                || crate::commands::rule_applies(rule.code)
        })
        .flat_map(|rule| (rule.check)(ctx))
        .collect();
    unread_value_fix::tie_to_rename(&mut diagnostics, ctx);
    template_values::lower_template_findings(&mut diagnostics, ctx);
    app_defaults::lower(&mut diagnostics, ctx);
    let mut diagnostics = shared_lines::merge(diagnostics, ctx);
    list_fix::remove_instead_of_duplicating(&mut diagnostics, ctx);
    fix_conflicts::withdraw_conflicting_fixes(&mut diagnostics, ctx.sources);
    fix_conflicts::withdraw_fixes_breaking_working_references(&mut diagnostics, ctx);
    diagnostics
}

/// The load issues a rule reports: each `select` picks its own kind.
pub(crate) fn issues<'a, T>(
    ctx: &'a Context,
    select: impl Fn(&'a LoadIssue) -> Option<T> + 'a,
) -> impl Iterator<Item = T> + 'a {
    ctx.project.issues.iter().filter_map(select)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_documented() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for rule in RULES {
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(rule.docs.contains(heading), "{} lacks {heading}", rule.code);
            }
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
        }
    }
}
