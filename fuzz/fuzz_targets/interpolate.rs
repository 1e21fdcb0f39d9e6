//! Fuzz target `interpolate`: see `composelint_fuzz::interpolate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::interpolate(data));
