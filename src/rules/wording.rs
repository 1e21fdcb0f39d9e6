//! How findings word what they list.

use std::fmt::Display;

/// The items in backticks, as a sentence lists them: "`a`", "`a` and `b`", "`a`, `b` and
/// `c`" (with `conjunction` "and" or "or").
pub fn quoted_list<T: Display>(items: &[T], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// How findings name the project's parts and the settings that fix them: a compose file's
/// words (`service`, `extra_hosts`), or those of the `docker run` lines a script or a document
/// holds (`container`, `--add-host`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Compose,
    Commands,
}

impl Dialect {
    pub fn of(project: &crate::compose::model::Project) -> Dialect {
        if project.from_commands {
            Dialect::Commands
        } else {
            Dialect::Compose
        }
    }

    /// What runs: `service` or `container`.
    pub fn unit(self) -> &'static str {
        match self {
            Dialect::Compose => "service",
            Dialect::Commands => "container",
        }
    }

    /// The help that maps `host` to the Docker host's gateway on `client`.
    pub fn add_host_gateway(self, host: &str, client: &str) -> String {
        match self {
            Dialect::Compose => {
                format!("add `extra_hosts: [\"{host}:host-gateway\"]` to service `{client}`")
            }
            Dialect::Commands => {
                format!("add `--add-host={host}:host-gateway` to the `docker run` of `{client}`")
            }
        }
    }

    /// The setting that maps names to addresses: `extra_hosts` or `--add-host`.
    pub fn host_setting(self) -> &'static str {
        match self {
            Dialect::Compose => "`extra_hosts`",
            Dialect::Commands => "`--add-host`",
        }
    }

    /// The setting that maps a name to an address: `an `extra_hosts` entry`.
    pub fn host_entry(self) -> &'static str {
        match self {
            Dialect::Compose => "an `extra_hosts` entry",
            Dialect::Commands => "an `--add-host` option",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quoted_list;

    #[test]
    fn one_two_and_three_items() {
        assert_eq!(quoted_list::<&str>(&[], "and"), "");
        assert_eq!(quoted_list(&["a"], "and"), "`a`");
        assert_eq!(quoted_list(&["a", "b"], "or"), "`a` or `b`");
        assert_eq!(quoted_list(&["a", "b", "c"], "and"), "`a`, `b` and `c`");
    }
}
