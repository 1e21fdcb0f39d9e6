//! A fix to a URL the app reads only once OLL020 renames its variable is a fix only together
//! with that rename.
//!
//! `/ollama/api=http://localhost:11434` for Open WebUI is judged as the `OLLAMA_BASE_URL` it
//! was meant to be, so OLL001 reports the loopback host and offers `http://ollama:11434`. The
//! app reads nothing there until the key is renamed: the value fixed alone changes nothing it
//! does ("a fix in a variable the app doesn't read is not a fix"). So the value's fix takes the
//! rename's applicability: safe with a safe rename (a variable name), unsafe with an unsafe one
//! (a key that is no variable name, whose meaning is a guess), and no fix where the key cannot
//! be renamed.

use crate::compose::model::EnvSource;
use crate::diagnostic::{Applicability, Diagnostic};
use crate::ollama::Written;

use super::Context;

/// The rule whose rename makes the app read the value.
const RENAME_RULE: &str = "OLL020";

pub fn tie_to_rename(diagnostics: &mut [Diagnostic], ctx: &Context) {
    for (r, _) in ctx.references {
        let (Written::Env { key, source }, Some(setting)) = (&r.written, r.setting) else {
            continue;
        };
        if *key == setting.name {
            continue;
        }
        let entry = match source {
            EnvSource::Environment { span } | EnvSource::EnvFile { span, .. } => *span,
        };
        let service = &ctx.project.services[r.client].name;
        let about_entry = |d: &Diagnostic| {
            d.service.as_deref() == Some(service.as_str())
                && d.primary.is_some_and(|p| entry.contains(p))
        };
        let rename = diagnostics
            .iter()
            .find(|d| d.code == RENAME_RULE && about_entry(d))
            .map(|d| d.fix.as_ref().map(|f| f.applicability));
        let Some(rename) = rename else {
            // OLL020 does not report the key: nothing says the app ignores it.
            continue;
        };
        for d in diagnostics.iter_mut().filter(|d| d.code != RENAME_RULE) {
            let Some(fix) = &mut d.fix else { continue };
            if !fix.edits.iter().all(|e| entry.contains(e.span)) {
                continue;
            }
            match rename {
                Some(Applicability::Safe) => {}
                Some(Applicability::Unsafe) => {
                    fix.applicability = Applicability::Unsafe;
                    d.add_help(&format!(
                        "the app reads the value only once `{key}` is renamed to `{}` ({RENAME_RULE}, --unsafe-fixes), so this fix is unsafe too",
                        setting.name
                    ));
                }
                None => {
                    d.fix = None;
                    d.add_help(&format!(
                        "the app does not read `{key}` ({RENAME_RULE}): set `{}` instead",
                        setting.name
                    ));
                }
            }
        }
    }
}
