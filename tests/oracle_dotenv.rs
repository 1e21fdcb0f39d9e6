//! Runs every vector of `fixtures/oracle/dotenv.json` through [`dotenv::parse`].

use std::collections::BTreeMap;

use composelint::dotenv::{Dotenv, parse};
use composelint::source::{FileId, SourceFile};
use composelint::text::{Origin, Text};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    input_file_text: String,
    env: BTreeMap<String, String>,
    expected_map: Option<BTreeMap<String, String>>,
    expected_error: Option<String>,
    /// The subset of the map the upstream test checks.
    test_asserts: Option<BTreeMap<String, String>>,
    /// What the spec's prose implies, where compose-go does otherwise.
    spec_expected_map: Option<BTreeMap<String, String>>,
    #[serde(default)]
    implementation_differs_from_spec: bool,
    source: String,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/oracle/dotenv.json");
    let text = std::fs::read_to_string(path).expect("oracle vectors are readable");
    serde_json::from_str(&text).expect("oracle vectors parse")
}

/// The map compose-go returns: last entry with a value wins.
fn final_map(d: &Dotenv) -> BTreeMap<String, String> {
    d.entries
        .iter()
        .filter_map(|e| e.value.as_ref().map(|v| (e.key.clone(), v.value.clone())))
        .collect()
}

fn check(v: &Vector) -> Result<(), String> {
    let file = SourceFile::new(FileId(0), "t.env".into(), v.input_file_text.clone());
    let lookup = |name: &str| {
        v.env
            .get(name)
            .map(|value| Text::new(value.clone(), Origin::ProcessEnv))
    };
    match (&v.expected_map, &v.expected_error, parse(&file, &lookup)) {
        (Some(expected), _, Ok(d)) => {
            let got = final_map(&d);
            if &got != expected {
                return Err(format!("map {got:?}, expected {expected:?}"));
            }
            if let Some(asserts) = &v.test_asserts {
                for (k, want) in asserts {
                    if got.get(k) != Some(want) {
                        return Err(format!(
                            "upstream assertion {k}={want:?} fails: {:?}",
                            got.get(k)
                        ));
                    }
                }
            }
            if v.implementation_differs_from_spec && v.spec_expected_map.as_ref() == Some(&got) {
                return Err("matches the spec where compose-go differs".to_string());
            }
            check_spans(&file, &d)
        }
        (_, Some(expected), Err(err)) => {
            if &err.message != expected {
                return Err(format!("error {:?}, expected {expected:?}", err.message));
            }
            if err.span.end > file.text.len()
                || file.text.get(err.span.start..err.span.end).is_none()
            {
                return Err(format!("error span {:?} is outside the file", err.span));
            }
            Ok(())
        }
        (_, _, Ok(d)) => Err(format!("map {:?}, expected an error", final_map(&d))),
        (_, _, Err(err)) => Err(format!("error {:?}, expected a map", err.message)),
    }
}

/// Key spans spell the key; value spans lie in the file; exact pieces spell their bytes.
fn check_spans(file: &SourceFile, d: &Dotenv) -> Result<(), String> {
    for e in &d.entries {
        if file.slice(e.key_span) != e.key {
            return Err(format!(
                "key span {:?} spells {:?}, not {:?}",
                e.key_span,
                file.slice(e.key_span),
                e.key
            ));
        }
        let Some(value) = &e.value else { continue };
        let mut at = 0;
        for piece in &value.pieces {
            if piece.range.start != at {
                return Err(format!(
                    "pieces of {} do not tile: {:?}",
                    e.key, value.pieces
                ));
            }
            at = piece.range.end;
            if let Origin::File { span, exact: true } = piece.origin
                && Some(file.slice(span)) != value.value.get(piece.range.clone())
            {
                return Err(format!(
                    "exact piece {piece:?} of {} does not match the file",
                    e.key
                ));
            }
        }
        if at != value.value.len() {
            return Err(format!("pieces of {} stop at {at}", e.key));
        }
    }
    Ok(())
}

#[test]
fn every_dotenv_vector_passes() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 112, "the vector file changed");
    let failures: Vec<String> = vectors
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            check(v).err().map(|why| {
                format!(
                    "vector #{i} ({}) input {:?}: {why}",
                    v.source, v.input_file_text
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failing vectors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Examples stated in `SEMANTICS.md` §b (executed against compose-go there), beyond the
/// vector file: `(file text, env, Ok(map) | Err(message))`.
#[test]
fn semantics_examples() {
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        Result<&'static [(&'static str, &'static str)], &'static str>,
    );
    let cases: &[Case] = &[
        ("A=1\nB", &[], Ok(&[("A", "1"), ("", "B")])),
        ("FOO\tBAR=x", &[], Ok(&[("FOO\tBAR", "x")])),
        ("FOO:bar=baz", &[], Ok(&[("FOO", "bar=baz")])),
        ("FOO=\"a\" BAR=b", &[], Ok(&[("FOO", "a"), ("BAR", "b")])),
        (
            "FOO=\"bar\"baz\n",
            &[("baz", "z")],
            Ok(&[("FOO", "bar"), ("baz", "z")]),
        ),
        ("FOO=\"x\"# c", &[], Ok(&[("FOO", "x")])),
        ("A= #comment", &[], Ok(&[("A", "#comment")])),
        ("FOO=bar\t#x", &[], Ok(&[("FOO", "bar\t#x")])),
        ("FOO=a\\tb\\", &[], Ok(&[("FOO", "a\\tb\\")])),
        ("FOO='\\n'", &[], Ok(&[("FOO", "\\n")])),
        ("K=\"\\0123\"", &[], Ok(&[("K", "S")])),
        ("K=\"\\c\\e\\ \"", &[], Ok(&[("K", "\\c\\e\\ ")])),
        ("A=1\nA=2", &[], Ok(&[("A", "2")])),
        ("2Y=b", &[], Ok(&[("2Y", "b")])),
        ("export KEY\n", &[("KEY", "k")], Ok(&[("KEY", "k")])),
        (
            "OPTION_A=1\nOPTION_B=${OPTION_A}",
            &[("OPTION_A", "5")],
            Ok(&[("OPTION_A", "1"), ("OPTION_B", "5")]),
        ),
        ("B=$A\nA=1", &[], Ok(&[("B", ""), ("A", "1")])),
        (
            "A=x\n\u{feff}B=1",
            &[],
            Err("line 2: unexpected character \"\\ufeff\" in variable name \"\\ufeffB=1\""),
        ),
        (
            "FOO$=x",
            &[],
            Err("line 1: unexpected character \"$\" in variable name \"FOO$=x\""),
        ),
        (
            "A=1\nFOO BAR=x",
            &[],
            Err("line 2: key cannot contain a space"),
        ),
        (
            "A=\"x\nB=1\nC=2",
            &[],
            Err("line 3: unterminated quoted value \"x"),
        ),
        (
            "A=${X:?need}",
            &[],
            Err("required variable X is missing a value: need"),
        ),
    ];
    let mut failures = Vec::new();
    for (text, env, expected) in cases {
        let file = SourceFile::new(FileId(0), "t.env".into(), text.to_string());
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| Text::new(*v, Origin::ProcessEnv))
        };
        let got = parse(&file, &lookup);
        let ok = match (&got, expected) {
            (Ok(d), Ok(want)) => {
                let want: BTreeMap<String, String> = want
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                final_map(d) == want && check_spans(&file, d).is_ok()
            }
            (Err(e), Err(want)) => e.message == *want,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "SEMANTICS.md §b {text:?}: got {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
