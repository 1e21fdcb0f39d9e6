use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
declare_rule! {
    /// ## What it does
    /// x
    pub static RULE = { code: "CMP011", name: "duplicate-published-port", severity: Error, check: check, };
}
fn check(_ctx: &Context) -> Vec<Diagnostic> { vec![] }
