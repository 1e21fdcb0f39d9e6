//! What CMP010 (networks), CMP015 (volumes) and CMP018 (secrets, configs) share: a name a
//! service uses that the project's top-level section does not declare.

use super::Rule;
use crate::compose::model::Service;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// "did you mean `x`? Otherwise declare it under the top-level `networks:`".
pub(super) fn help(name: &str, declared: &[&str], section: &str) -> String {
    match crate::names::closest(name, declared) {
        Some(close) => {
            format!("did you mean `{close}`? Otherwise declare it under the top-level `{section}:`")
        }
        None => format!("declare it under the top-level `{section}:`"),
    }
}

/// A finding of `rule` for each of `used` (name, where) that `declared` lacks: "service `s`
/// mounts {what} `name`, which is not declared".
pub(super) fn report<'a>(
    rule: &'static Rule,
    service: &Service,
    used: impl IntoIterator<Item = (&'a str, Span)>,
    declared: &[&str],
    (what, section): (&str, &str),
) -> Vec<Diagnostic> {
    used.into_iter()
        .filter(|(name, _)| !declared.contains(name))
        .map(|(name, span)| {
            rule.diagnostic(
                format!(
                    "service `{}` mounts {what} `{name}`, which is not declared",
                    service.name
                ),
                Some(span),
            )
            .with_service(&service.name)
            .with_help(help(name, declared, section))
        })
        .collect()
}
