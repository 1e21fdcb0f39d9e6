//! Runs every vector of `fixtures/oracle/interpolation.json` through [`interpolate`].

use std::collections::BTreeMap;

use composelint::interpolate::interpolate;
use composelint::source::{FileId, Span};
use composelint::text::{Origin, Text};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    template: String,
    env: BTreeMap<String, String>,
    expected: Option<String>,
    expected_error: Option<String>,
    expected_error_contains: Option<String>,
    warnings_unset_variables: Option<Vec<String>>,
    source: String,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/oracle/interpolation.json"
    );
    let text = std::fs::read_to_string(path).expect("oracle vectors are readable");
    serde_json::from_str(&text).expect("oracle vectors parse")
}

/// Checks one vector; returns what went wrong.
fn check(v: &Vector) -> Result<(), String> {
    // The template sits at a non-zero offset so spans are not accidentally right.
    let offset = 7;
    let span = Span::new(FileId(0), offset, offset + v.template.len());
    let template = Text::from_file(v.template.clone(), span, true);
    let lookup = |name: &str| {
        v.env
            .get(name)
            .map(|value| Text::new(value.clone(), Origin::ProcessEnv))
    };
    let result = interpolate(&template, &lookup);
    match (&v.expected, &v.expected_error, result) {
        (Some(expected), _, Ok(got)) => {
            if &got.text.value != expected {
                return Err(format!("value {:?}, expected {expected:?}", got.text.value));
            }
            let names: Vec<String> = got.unset.iter().map(|u| u.name.clone()).collect();
            let expected_names = v.warnings_unset_variables.clone().unwrap_or_default();
            if names != expected_names {
                return Err(format!(
                    "unset variables {names:?}, expected {expected_names:?}"
                ));
            }
            for unset in &got.unset {
                let expr = v.template.get(unset.range.clone()).unwrap_or("");
                if !expr.starts_with('$') || !expr.contains(unset.name.as_str()) {
                    return Err(format!("unset range {:?} holds {expr:?}", unset.range));
                }
            }
            check_provenance(&v.template, offset, &got.text)
        }
        (_, Some(expected), Err(err)) => {
            if &err.to_string() != expected {
                return Err(format!(
                    "error {:?}, expected {expected:?}",
                    err.to_string()
                ));
            }
            if let Some(part) = &v.expected_error_contains
                && !err.to_string().contains(part.as_str())
            {
                return Err(format!("error {err} does not contain {part:?}"));
            }
            if v.template
                .get(err.range())
                .is_none_or(|s| !s.starts_with('$'))
            {
                return Err(format!(
                    "error range {:?} is not an expression",
                    err.range()
                ));
            }
            Ok(())
        }
        (_, _, Ok(got)) => Err(format!("value {:?}, expected an error", got.text.value)),
        (_, _, Err(err)) => Err(format!("error {err}, expected a value")),
    }
}

/// Pieces cover the value in order, and every exact file piece spells the template bytes it
/// claims to come from.
fn check_provenance(template: &str, offset: usize, text: &Text) -> Result<(), String> {
    let mut at = 0;
    for piece in &text.pieces {
        if piece.range.start != at {
            return Err(format!("pieces do not tile the value: {:?}", text.pieces));
        }
        at = piece.range.end;
        if let Origin::File { span, exact: true } = piece.origin {
            let from_file = template.get(span.start - offset..span.end - offset);
            if from_file != text.value.get(piece.range.clone()) {
                return Err(format!("exact piece {piece:?} does not match the template"));
            }
        }
    }
    if at != text.value.len() {
        return Err(format!("pieces stop at {at} of {}", text.value.len()));
    }
    Ok(())
}

#[test]
fn every_interpolation_vector_passes() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 118, "the vector file changed");
    let failures: Vec<String> = vectors
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            check(v).err().map(|why| {
                format!(
                    "vector #{i} ({}) template {:?}: {why}",
                    v.source, v.template
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

/// Examples stated in `SEMANTICS.md` §a (executed against compose-go there), beyond the
/// vector file: `(template, env, Ok(value) | Err(message), unset names)`.
#[test]
fn semantics_examples() {
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        Result<&'static str, &'static str>,
        &'static [&'static str],
    );
    let cases: &[Case] = &[
        ("$$$FOO", &[("FOO", "first")], Ok("$first"), &[]),
        ("$$$$", &[], Ok("$$"), &[]),
        ("$FOO.bar", &[("FOO", "x")], Ok("x.bar"), &[]),
        ("$foo_bar-baz", &[("foo_bar", "v")], Ok("v-baz"), &[]),
        ("${foo}", &[("FOO", "x")], Ok(""), &["foo"]),
        ("$1 $ {FOO}", &[("FOO", "x")], Ok("$1 $ {FOO}"), &[]),
        ("${1}", &[], Err("Invalid template: \"${1}\""), &[]),
        ("${foo:}", &[], Err("Invalid template: \"${foo:}\""), &[]),
        (
            "${FOO:=bar}",
            &[],
            Err("Invalid template: \"${FOO:=bar}\""),
            &[],
        ),
        ("${#FOO}", &[], Err("Invalid template: \"${#FOO}\""), &[]),
        ("${FOO", &[], Err("Invalid template: \"${FOO\""), &[]),
        (
            "${UNSET?bar-baz}",
            &[],
            Err("required variable UNSET is missing a value: bar-baz"),
            &[],
        ),
        (
            "${FOO:?a:?b}",
            &[],
            Err("required variable FOO is missing a value: a:?b"),
            &[],
        ),
        ("${FOO:-x}}", &[], Ok("x}"), &[]),
        ("${FOO:-{}", &[], Ok("{"), &[]),
        (
            "${FOO:-${BAR}",
            &[],
            Err("Invalid template: \"${BAR\""),
            &[],
        ),
        ("${A?${B}}", &[("A", "a")], Ok("a"), &[]),
        ("${FOO:-${BAR:?x}}", &[("FOO", "f")], Ok("f"), &[]),
        (
            "${FOO:-${BAR:?x}}",
            &[("FOO", "")],
            Err("required variable BAR is missing a value: x"),
            &[],
        ),
        ("${A:-${B}}", &[], Ok(""), &["B"]),
        ("$A $A", &[], Ok(" "), &["A", "A"]),
        ("${X-a?b}", &[], Ok("a?b"), &[]),
        // Inferred, not executed: Go's `.` does not match a newline.
        (
            "a\n${X:-b\n}",
            &[],
            Err("Invalid template: \"a\\n${X:-b\\n}\""),
            &[],
        ),
        ("${X:-a} ${Y:-b}\n${Z}", &[], Ok("a b\n"), &["Z"]),
    ];
    let mut failures = Vec::new();
    for (template, env, expected, unset) in cases {
        let span = Span::new(FileId(0), 0, template.len());
        let t = Text::from_file(*template, span, true);
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| Text::new(*v, Origin::ProcessEnv))
        };
        let got = interpolate(&t, &lookup);
        let ok = match (&got, expected) {
            (Ok(r), Ok(want)) => {
                r.text.value == *want
                    && r.unset.iter().map(|u| u.name.as_str()).collect::<Vec<_>>() == *unset
            }
            (Err(e), Err(want)) => e.to_string() == *want,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "SEMANTICS.md §a {template:?}: got {got:?}, expected {expected:?} unset {unset:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
