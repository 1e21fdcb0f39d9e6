//! How findings word what they list.

use std::fmt::Display;

/// The items in backticks, as a sentence lists them: "`a`", "`a` and `b`", "`a`, `b` and
/// `c`" (with `conjunction` "and" or "or").
pub fn quoted_list<T: Display>(items: &[T], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::quoted_list;

    #[test]
    fn one_two_and_three_items() {
        assert_eq!(quoted_list::<&str>(&[], "and"), "");
        assert_eq!(quoted_list(&["a"], "and"), "`a`");
        assert_eq!(quoted_list(&["a", "b"], "or"), "`a` or `b`");
        assert_eq!(quoted_list(&["a", "b", "c"], "and"), "`a`, `b` and `c`");
    }
}
