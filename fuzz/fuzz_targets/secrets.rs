//! Fuzz target `secrets`: see `composelint_fuzz::secrets`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::secrets(data));
