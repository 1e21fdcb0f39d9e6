//! Fuzz target `dotenv`: see `composelint_fuzz::dotenv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| composelint_fuzz::dotenv(data));
