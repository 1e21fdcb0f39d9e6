//! Port mappings: short and long syntax, normalised as Compose normalises them.
