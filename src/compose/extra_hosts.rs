//! `extra_hosts` entries in their list (`host:ip`, `host=ip`) and map forms.
