//! How findings word what they list.

use super::command_fix::new_network;
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
        let setting = self.host_gateway(host);
        match self {
            Dialect::Compose => format!("add {setting} to service `{client}`"),
            Dialect::Commands => format!("add {setting} to the `docker run` of `{client}`"),
        }
    }

    /// The setting that maps `host` to the Docker host's gateway:
    /// `` `extra_hosts: ["host:host-gateway"]` `` or `` `--add-host=host:host-gateway` ``.
    pub fn host_gateway(self, host: &str) -> String {
        match self {
            Dialect::Compose => format!("`extra_hosts: [\"{host}:host-gateway\"]`"),
            Dialect::Commands => format!("`--add-host={host}:host-gateway`"),
        }
    }

    /// The help, in commands' words, that puts container `client` on a network with
    /// `server`: the one `server` is on (`server_network`), or a new one for both, named
    /// after the server's kind.
    pub fn join_network(
        client: &str,
        server: &str,
        server_network: Option<&str>,
        kind: &str,
    ) -> String {
        match server_network {
            Some(network) => format!("run `{client}` with `--network {network}`"),
            None => {
                let new = new_network(kind);
                format!(
                    "create a network (`docker network create {new}`) and run both `{client}` and `{server}` with `--network {new}`"
                )
            }
        }
    }

    /// The setting that publishes `spec` (`11434:11434`): `` `ports: ["11434:11434"]` `` or
    /// `` `-p 11434:11434` ``.
    pub fn publish(self, spec: &str) -> String {
        match self {
            Dialect::Compose => format!("`ports: [\"{spec}\"]`"),
            Dialect::Commands => format!("`-p {spec}`"),
        }
    }

    /// What publishes ports: `` `ports:` mapping `` or `` `-p` option ``.
    pub fn port_option(self) -> &'static str {
        match self {
            Dialect::Compose => "`ports:` mapping",
            Dialect::Commands => "`-p` option",
        }
    }

    /// The network mode `mode` as written: `` `network_mode: host` `` or `` `--network host` ``.
    pub fn network_mode(self, mode: &str) -> String {
        match self {
            Dialect::Compose => format!("`network_mode: {mode}`"),
            Dialect::Commands => format!("`--network {mode}`"),
        }
    }

    /// The help that sets variable `var` to `value` on `unit`: `set `VAR: value` on service
    /// `s`` or `add `-e VAR=value` to the `docker run` of `s``.
    pub fn set_variable(self, var: &str, value: &str, unit: &str) -> String {
        match self {
            Dialect::Compose => format!("set `{var}: {value}` on service `{unit}`"),
            Dialect::Commands => format!("add `-e {var}={value}` to the `docker run` of `{unit}`"),
        }
    }

    /// The setting that names a container's host name: `` `hostname:` `` or `` `--hostname` ``.
    pub fn hostname_option(self) -> &'static str {
        match self {
            Dialect::Compose => "`hostname:`",
            Dialect::Commands => "`--hostname`",
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

    /// The setting `host_entry` names, bare: `` `extra_hosts` `` or `` `--add-host` ``.
    pub fn host_option(self) -> &'static str {
        match self {
            Dialect::Compose => "`extra_hosts`",
            Dialect::Commands => "`--add-host`",
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
