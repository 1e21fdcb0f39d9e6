//! What the terminal a report is written to can show: colour, and the width to wrap to.

use std::ffi::OsStr;
use std::io::IsTerminal;

/// The standard stream a report is written to.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn is_terminal(self) -> bool {
        match self {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        }
    }

    /// The terminal's width in columns, when the system says.
    fn measured_columns(self) -> Option<u16> {
        let size = match self {
            Stream::Stdout => terminal_size::terminal_size_of(std::io::stdout()),
            Stream::Stderr => terminal_size::terminal_size_of(std::io::stderr()),
        };
        size.map(|(terminal_size::Width(columns), _)| columns)
    }

    /// The columns human output wraps to on this stream, a terminal (output that is not on
    /// one is not wrapped: a file, a pipe or a CI log keeps each message on one line, for grep
    /// and for the reader's own wrapping).
    pub fn wrap_width(self) -> usize {
        let columns = std::env::var_os("COLUMNS");
        terminal_width(columns.as_deref(), self.measured_columns())
    }
}

/// Narrower than this, miette's drawing of the source lines would not fit anyway.
const MIN_WIDTH: usize = 40;

/// When neither `COLUMNS` nor the terminal says, the width terminals open with.
const DEFAULT_WIDTH: usize = 80;

/// The width to wrap to on a terminal: `COLUMNS` when it holds a number (the shell's own
/// setting, which a user can also set to choose), else the measured width, else 80; never
/// below [`MIN_WIDTH`].
pub fn terminal_width(columns_env: Option<&OsStr>, measured: Option<u16>) -> usize {
    let from_env = columns_env
        .and_then(OsStr::to_str)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    let measured = measured.map(usize::from).filter(|&w| w > 0);
    from_env
        .or(measured)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_from_the_environment_come_first() {
        assert_eq!(terminal_width(Some(OsStr::new("132")), Some(90)), 132);
        assert_eq!(terminal_width(Some(OsStr::new(" 60 ")), None), 60);
    }

    #[test]
    fn the_measured_width_serves_when_columns_is_unset_or_no_number() {
        assert_eq!(terminal_width(None, Some(90)), 90);
        assert_eq!(terminal_width(Some(OsStr::new("wide")), Some(90)), 90);
        assert_eq!(terminal_width(Some(OsStr::new("0")), Some(90)), 90);
    }

    #[test]
    fn an_unknown_or_zero_width_terminal_gets_80_columns() {
        assert_eq!(terminal_width(None, None), 80);
        // A pseudo-terminal nobody sized (script(1), some CI runners) reports 0 columns.
        assert_eq!(terminal_width(None, Some(0)), 80);
    }

    #[test]
    fn no_width_is_narrower_than_the_drawing_needs() {
        assert_eq!(terminal_width(Some(OsStr::new("12")), None), MIN_WIDTH);
    }
}
