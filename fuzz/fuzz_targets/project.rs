//! Fuzz target `project`: see `composelint_fuzz::project`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::project(data));
