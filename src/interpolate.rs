//! Compose's `${VAR}` interpolation, keeping the provenance of every resolved byte.

use std::ops::Range;

use crate::text::Text;

/// A variable used without a default that has no value: Compose substitutes "" and warns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsetVariable {
    pub name: String,
    /// Byte range of the whole expression (`$X` or `${X}`) in the template's value.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    pub text: Text,
    /// In order of occurrence; only variables whose branch was actually taken.
    pub unset: Vec<UnsetVariable>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpolationError {
    /// `${` that does not form a valid expression. `template` is the text Compose reports.
    Invalid {
        template: String,
        range: Range<usize>,
    },
    /// `${X:?msg}` / `${X?msg}` with X missing.
    Required {
        name: String,
        message: String,
        range: Range<usize>,
    },
}

impl std::fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        todo!()
    }
}

/// Resolves `template` against `lookup`.
pub fn interpolate(
    template: &Text,
    lookup: &dyn Fn(&str) -> Option<Text>,
) -> Result<Interpolated, InterpolationError> {
    let _ = (template, lookup);
    todo!()
}
