//! Fuzz target `commands`: see `composelint_fuzz::commands`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::commands(data));
