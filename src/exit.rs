//! The exit code a run ends with: 0 nothing at or above the failure threshold, 1 findings (or
//! a changed file, when asked), 2 the run itself failed (decided where it fails).

use crate::LintedProject;
use crate::lint_config;

/// 1 when a project has a finding at or above its own configuration's `fail-on`, unless
/// `exit_zero`.
pub fn after_check(projects: &[LintedProject], exit_zero: bool) -> u8 {
    u8::from(!exit_zero && lint_config::fails(projects))
}

/// How a run that fixed files asks to end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixExit {
    /// `--fix-only`: what remains does not count.
    pub fix_only: bool,
    /// `--exit-non-zero-on-fix`: a changed file is 1.
    pub exit_non_zero_on_fix: bool,
    /// `--exit-zero`: always 0.
    pub exit_zero: bool,
}

/// The exit code of `--fix` and `--fix-only`, as ruff has it: `--fix` says whether findings
/// remain, `--fix-only` exits 0 whatever remains; `--exit-non-zero-on-fix` makes both exit 1
/// when a file was changed, and `--exit-zero` makes both exit 0. `remaining` is asked only
/// when what remains counts.
pub fn after_fix(how: FixExit, changed_files: bool, remaining: impl FnOnce() -> u8) -> u8 {
    if how.exit_zero {
        return 0;
    }
    let remains = if how.fix_only { 0 } else { remaining() };
    remains.max(u8::from(how.exit_non_zero_on_fix && changed_files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixing_exits_as_ruff_does() {
        let fix = FixExit::default();
        assert_eq!(after_fix(fix, true, || 1), 1);
        assert_eq!(after_fix(fix, true, || 0), 0);
        let only = FixExit {
            fix_only: true,
            ..fix
        };
        assert_eq!(after_fix(only, true, || panic!("not asked")), 0);
        let on_fix = FixExit {
            exit_non_zero_on_fix: true,
            ..only
        };
        assert_eq!(after_fix(on_fix, true, || 0), 1);
        assert_eq!(after_fix(on_fix, false, || 0), 0);
        let zero = FixExit {
            exit_zero: true,
            ..on_fix
        };
        assert_eq!(after_fix(zero, true, || 1), 0);
    }
}
