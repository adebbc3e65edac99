//! Output records shaped for a CRM import: fields copied from each lead
//! (`--keep`), columns renamed (`--rename`), and CSV cells that a
//! spreadsheet would run as formulas neutralised (unless `--csv-raw`).

use crate::diagnostics::output as wording;
use crate::eval::{RecordKeys, RecordNames};
use crate::rules::Type;
use serde_json::Value;
use std::borrow::Cow;

/// The columns of the output records, and what fills the copied ones.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The member names in record order, after `--rename`.
    pub names: RecordNames,
    /// The same names, JSON-escaped once for JSON Lines.
    pub keys: RecordKeys,
    /// Where each copied field is found in a lead.
    pub keep: Keep,
    /// `--csv-raw`: write CSV cells as they are, formulas included.
    pub csv_raw: bool,
}

/// What the command line asks of the output columns.
#[derive(Clone, Copy, Debug, Default)]
pub struct Asked<'a> {
    /// `--keep` values, each a comma-separated list.
    pub keep: &'a [String],
    /// `--rename` values, each a comma-separated list of `old=new`.
    pub rename: &'a [String],
    /// `--csv-raw`.
    pub csv_raw: bool,
}

impl Shape {
    /// The columns for records named `names` (as the rules name them) and
    /// leads of `lead_type`. Fails with a one-line message on a bad list,
    /// a rename of no column, or (when columns were kept or renamed) two
    /// columns of the same name.
    pub fn new(mut names: RecordNames, lead_type: &Type, asked: Asked) -> Result<Shape, String> {
        let mut kept = Vec::new();
        for list in asked.keep {
            kept.extend(split_list(list)?);
        }
        names.kept.clone_from(&kept);
        for list in asked.rename {
            for item in split_list(list)? {
                rename(&mut names, &item)?;
            }
        }
        if !(asked.keep.is_empty() && asked.rename.is_empty()) {
            refuse_clashes(&names)?;
        }
        Ok(Shape {
            keys: RecordKeys::new(&names),
            names,
            keep: Keep::new(&kept, lead_type),
            csv_raw: asked.csv_raw,
        })
    }

    /// A CSV cell as written: neutralised unless `--csv-raw`.
    pub fn cell<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.csv_raw {
            Cow::Borrowed(text)
        } else {
            neutralise(text)
        }
    }
}

/// Where the copied fields are found: per field, the keys or paths tried in
/// order (the name as written; the sources and name of a schema field it
/// names; a dotted path); the first present wins.
#[derive(Clone, Debug, Default)]
pub struct Keep {
    fields: Vec<Vec<Vec<String>>>,
}

impl Keep {
    /// The places to look for each of `names` in leads of `lead_type`.
    pub fn new(names: &[String], lead_type: &Type) -> Keep {
        let fields = names.iter().map(|n| places(n, lead_type)).collect();
        Keep { fields }
    }

    /// No field is copied.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Whether a CSV column of this name is copied (so it is read).
    pub fn reads_column(&self, column: &str) -> bool {
        let by_path = |path: &Vec<String>| path.len() > 1 && path.join(".") == column;
        let by_key = |path: &Vec<String>| path.len() == 1 && path[0] == column;
        self.fields
            .iter()
            .flatten()
            .any(|p| by_key(p) || by_path(p))
    }

    /// The copied fields of `lead`, null where absent.
    pub fn values(&self, lead: &Value) -> Vec<Value> {
        self.fields
            .iter()
            .map(|places| {
                let found = places.iter().find_map(|path| {
                    let v = path.iter().try_fold(lead, |v, key| v.get(key))?;
                    (!v.is_null()).then_some(v)
                });
                found.cloned().unwrap_or(Value::Null)
            })
            .collect()
    }

    /// The copied fields of a lead given as JSON text; all null when the
    /// text is no JSON object.
    pub fn values_of_json(&self, text: &[u8]) -> Vec<Value> {
        match serde_json::from_slice::<Value>(text) {
            Ok(lead) => self.values(&lead),
            Err(_) => vec![Value::Null; self.fields.len()],
        }
    }
}

/// The keys and paths a kept field `name` may be found under.
fn places(name: &str, lead_type: &Type) -> Vec<Vec<String>> {
    let mut places = vec![vec![name.to_string()]];
    if let Type::Record(fields) = lead_type {
        let by_name = fields.get_key_value(name);
        let by_source = || {
            fields
                .iter()
                .find(|(_, f)| f.sources.iter().any(|s| s == name))
        };
        if let Some((field, ty)) = by_name.or_else(by_source) {
            let keys = ty.sources.iter().chain([field]);
            places.extend(keys.filter(|k| *k != name).map(|k| vec![k.clone()]));
        }
    }
    if name.contains('.') {
        places.push(name.split('.').map(str::to_string).collect());
    }
    places
}

/// Splits a comma-separated list; an item in double quotes may hold commas
/// (`Email,"Owner, primary"`). Items are trimmed; empty items are refused.
pub fn split_list(text: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut item)),
            _ => item.push(c),
        }
    }
    if quoted {
        return Err(wording::unclosed_quote(text));
    }
    items.push(item);
    let items: Vec<String> = items.iter().map(|i| i.trim().to_string()).collect();
    if items.iter().any(String::is_empty) {
        return Err(wording::empty_item(text));
    }
    Ok(items)
}

/// Applies one `old=new` to the names; `old` is a column of the rules
/// (`id`, `score`, a group or label, `reasons`, `error`) or a kept field.
fn rename(names: &mut RecordNames, item: &str) -> Result<(), String> {
    let Some((old, new)) = item.split_once('=') else {
        return Err(wording::rename_without_equals(item));
    };
    let (old, new) = (old.trim(), new.trim());
    if new.is_empty() {
        return Err(wording::empty_item(item));
    }
    let columns: Vec<String> = names.columns().iter().map(|c| c.to_string()).collect();
    let slot = {
        let RecordNames {
            id,
            kept,
            score,
            outputs,
            reasons,
            error,
        } = names;
        [id, score]
            .into_iter()
            .chain(outputs.iter_mut())
            .chain([reasons, error])
            .chain(kept.iter_mut())
            .find(|n| n.as_str() == old)
    };
    match slot {
        Some(slot) => {
            *slot = new.to_string();
            Ok(())
        }
        None => Err(wording::rename_unknown(old, &columns)),
    }
}

/// Two columns of the same name would make an ambiguous CSV header and a
/// JSON object with a repeated key.
fn refuse_clashes(names: &RecordNames) -> Result<(), String> {
    let mut all = names.columns();
    all.push(&names.reasons);
    for (i, a) in all.iter().enumerate() {
        if all[..i].contains(a) {
            return Err(wording::column_clash(a));
        }
    }
    Ok(())
}

/// A cell that a spreadsheet would run as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so it is
/// shown as text; a plain number such as `-5` or `+1.5e3` is left as it is.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A decimal number and nothing else: sign, digits, an optional fraction
/// and exponent.
fn is_plain_number(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::FieldType;

    fn names() -> RecordNames {
        RecordNames {
            id: "id".into(),
            kept: vec![],
            score: "score".into(),
            outputs: vec!["fit".into(), "tier".into()],
            reasons: "reasons".into(),
            error: "error".into(),
        }
    }

    fn shape(keep: &[&str], rename: &[&str]) -> Result<Shape, String> {
        let keep: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
        let rename: Vec<String> = rename.iter().map(|s| s.to_string()).collect();
        let asked = Asked {
            keep: &keep,
            rename: &rename,
            csv_raw: false,
        };
        Shape::new(names(), &Type::Any, asked)
    }

    #[test]
    fn lists_split_on_commas_outside_quotes() {
        assert_eq!(
            split_list(r#"Email, "Owner, primary",Full Name"#).unwrap(),
            ["Email", "Owner, primary", "Full Name"]
        );
        assert!(split_list("a,,b").is_err());
        assert!(split_list("\"a").is_err());
    }

    #[test]
    fn renames_apply_to_rule_columns_and_kept_fields() {
        let s = shape(
            &["Email"],
            &[r#"score="Lead Score",tier="Lead Tier""#, "Email=e-mail"],
        )
        .unwrap();
        assert_eq!(
            s.names.columns(),
            ["id", "e-mail", "Lead Score", "fit", "Lead Tier", "error"]
        );
    }

    #[test]
    fn clashes_and_unknown_columns_are_refused() {
        let clash = shape(&[], &["fit=score"]).unwrap_err();
        assert!(clash.contains("`score`"), "{clash}");
        let kept_clash = shape(&["tier"], &[]).unwrap_err();
        assert!(kept_clash.contains("`tier`"), "{kept_clash}");
        let unknown = shape(&[], &["scor=x"]).unwrap_err();
        assert!(unknown.contains("scor"), "{unknown}");
        assert!(unknown.contains("score"), "{unknown}");
        assert!(shape(&[], &["score"]).is_err());
        // A kept field that clashes can be renamed out of the way.
        assert!(shape(&["tier"], &["tier=Lead Tier"]).is_ok());
    }

    #[test]
    fn kept_fields_are_found_by_source_name_or_path() {
        let mut field = FieldType::new(Type::String, true);
        field.sources = vec!["Email".into(), "email_address".into()];
        let ty = Type::Record([("email".to_string(), field)].into_iter().collect());
        let keep = Keep::new(&["Email".into(), "owner.name".into(), "x".into()], &ty);
        let lead = serde_json::json!({"email_address": "a@b.c", "owner": {"name": "Kim"}});
        assert_eq!(
            keep.values(&lead),
            [Value::from("a@b.c"), Value::from("Kim"), Value::Null]
        );
        assert_eq!(keep.values_of_json(b"not json"), vec![Value::Null; 3]);
        assert!(keep.reads_column("email_address") && keep.reads_column("owner.name"));
        assert!(!keep.reads_column("owner"));
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for risky in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "-",
            "+",
        ] {
            assert_eq!(neutralise(risky), format!("'{risky}"));
        }
        for plain in ["-5", "+1.5e3", "-0.25", "12", "a=b", "", "Lead Score"] {
            assert_eq!(neutralise(plain), plain);
        }
    }
}
