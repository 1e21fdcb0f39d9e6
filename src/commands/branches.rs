//! What a variable holds after the shell's conditionals and loops. The readers follow the text
//! from top to bottom and do not run its tests, so a variable assigned in a branch (`if …;
//! then URL=…; else URL=…; fi`, a `case` arm, `[ … ] && URL=…`) may hold any of the values
//! its branches give it, or the one it held before. Its value after the construct is known
//! only when that cannot differ: it held nothing before and every branch assigns it the same
//! text (the default-setting `[ -z "$URL" ] && URL=…`); otherwise it is forgotten, as a value
//! the reader cannot know, and a command that uses it is not judged on it.

use std::collections::HashMap;

use crate::text::Text;

/// The assignments made inside the constructs open at this point of the text, innermost
/// last.
#[derive(Default)]
pub(super) struct Branches {
    open: Vec<Construct>,
}

#[derive(Default)]
struct Construct {
    /// A `case`, whose arms start with a pattern word ending in `)`.
    case: bool,
    assigned: HashMap<String, Assigned>,
}

/// What one name was given inside a construct.
struct Assigned {
    /// The value it held before the construct, if any.
    before: Option<String>,
    /// Every value assigned to it inside, in order (None: one the reader cannot know).
    values: Vec<Option<String>>,
}

impl Branches {
    /// A conditional or a loop starts (`if`, `while`, `until`, `for`, `case`, or the command
    /// after `&&` or `||`).
    pub(super) fn open(&mut self, case: bool) {
        self.open.push(Construct {
            case,
            ..Construct::default()
        });
    }

    /// Whether the innermost open construct is a `case`.
    pub(super) fn in_case(&self) -> bool {
        self.open.last().is_some_and(|c| c.case)
    }

    /// Records that `name` (as the shell looks it up), which held `before`, is given `value`
    /// inside the innermost construct (None: a value the reader cannot know).
    pub(super) fn assigning(&mut self, name: &str, before: Option<&Text>, value: Option<&str>) {
        let Some(construct) = self.open.last_mut() else {
            return;
        };
        construct
            .assigned
            .entry(name.to_string())
            .or_insert_with(|| Assigned {
                before: before.map(|v| v.value.clone()),
                values: Vec::new(),
            })
            .values
            .push(value.map(str::to_string));
    }

    /// The innermost construct ends (`fi`, `done`, `esac`, `}`, `)`, the end of the command
    /// after `&&`): each name it assigned keeps its value only when no path through it can
    /// leave another; `forget` is given the others.
    pub(super) fn close(&mut self, mut forget: impl FnMut(&str)) {
        let Some(construct) = self.open.pop() else {
            return;
        };
        for (name, assigned) in construct.assigned {
            let first = assigned.values.first();
            let certain =
                assigned.before.is_none() && assigned.values.iter().all(|v| Some(v) == first);
            if !certain {
                forget(&name);
            }
            if let Some(outer) = self.open.last_mut() {
                let entry = outer.assigned.entry(name).or_insert_with(|| Assigned {
                    before: assigned.before.clone(),
                    values: Vec::new(),
                });
                entry.values.extend(assigned.values);
            }
        }
    }
}
