//! The project environment: variables for interpolation, with where each value was written.

use std::collections::BTreeMap;

use crate::text::Text;

/// Variables by name. Values keep their provenance (`.env` span, command line, process).
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, Text>,
}

impl Env {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, name: &str) -> Option<&Text> {
        self.vars.get(name)
    }

    /// Sets `name` unless it already has a value: earlier sources win, as in Compose's
    /// `Mapping.Merge`.
    pub fn set_default(&mut self, name: &str, value: Text) {
        self.vars.entry(name.to_string()).or_insert(value);
    }

    pub fn set(&mut self, name: &str, value: Text) {
        self.vars.insert(name.to_string(), value);
    }

    pub fn lookup(&self) -> impl Fn(&str) -> Option<Text> + '_ {
        move |name| self.vars.get(name).cloned()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Text)> {
        self.vars.iter()
    }

    /// This environment with `other`'s variables added where this one has none.
    pub fn with_defaults_from(&self, other: &Env) -> Env {
        let mut out = self.clone();
        for (k, v) in other.iter() {
            out.set_default(k, v.clone());
        }
        out
    }
}
