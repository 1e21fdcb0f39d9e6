//! What CMP010 (networks) and CMP015 (volumes) share: the help for a name that the project's
//! top-level section does not declare.

/// "did you mean `x`? Otherwise declare it under the top-level `networks:`".
pub(super) fn help(name: &str, declared: &[&str], section: &str) -> String {
    match crate::names::closest(name, declared) {
        Some(close) => {
            format!("did you mean `{close}`? Otherwise declare it under the top-level `{section}:`")
        }
        None => format!("declare it under the top-level `{section}:`"),
    }
}
