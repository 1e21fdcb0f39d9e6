//! Fuzz target `yaml_tree`: see `composelint_fuzz::yaml_tree`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::yaml_tree(data));
