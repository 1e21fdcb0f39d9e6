//! Fuzz target `fix`: see `composelint_fuzz::fix`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::fix(data));
