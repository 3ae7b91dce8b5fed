//! Industries (TOL 2008) from the Statistics Finland classification API's
//! JSON, one file per language: `toimiala_en.json` (required, gives the
//! structure), `toimiala_fi.json` and `toimiala_sv.json` (labels, optional).

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;

use matcher::industry::{Industries, Industry};
use matcher::taxonomy::{Labels, Lang};
use serde::Deserialize;

use super::files::{open_first, open_if_exists, SourceError, SourceFile};

/// One item as the classification API returns it (fields we do not use are
/// ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClassificationItem {
    code: String,
    level: f64,
    parent_code: Option<String>,
    #[serde(default)]
    classification_item_names: Vec<ItemName>,
}

#[derive(Debug, Deserialize)]
struct ItemName {
    lang: Option<String>,
    name: String,
}

fn file_name(lang: Lang) -> String {
    format!("toimiala_{}.json", lang.as_str())
}

/// Loads the industry classification from `dir`. The level-0 total
/// ("SSSSS") is dropped, sections lose their parent.
pub fn load_industries_dir(dir: &Path) -> Result<Industries, SourceError> {
    let en_source = open_first(dir, &[&file_name(Lang::En)])?;
    let en_file = en_source.name.clone();
    let structure = read_items(en_source)?;

    let mut industries = Vec::new();
    let mut position = HashMap::new();
    for (i, item) in structure.iter().enumerate() {
        let level = item.level;
        if level.fract() != 0.0 || !(0.0..=255.0).contains(&level) {
            return Err(SourceError::Invalid {
                file: en_file,
                reason: format!(
                    "item {} (code {:?}): invalid level {level}",
                    i + 1,
                    item.code
                ),
            });
        }
        let level = level as u8;
        if level == 0 {
            continue;
        }
        let Some(label) = label_of(item, Lang::En) else {
            return Err(SourceError::Invalid {
                file: en_file,
                reason: format!("item {} (code {:?}): no name", i + 1, item.code),
            });
        };
        position.insert(item.code.clone(), industries.len());
        industries.push(Industry {
            code: item.code.trim().to_owned(),
            level,
            parent: if level == 1 {
                None
            } else {
                item.parent_code
                    .as_deref()
                    .map(str::trim)
                    .map(str::to_owned)
            },
            labels: Labels {
                en: label,
                fi: None,
                sv: None,
            },
        });
    }

    for lang in [Lang::Fi, Lang::Sv] {
        let Some(source) = open_if_exists(dir, &file_name(lang))? else {
            continue;
        };
        let file = source.name.clone();
        for item in read_items(source)? {
            if item.level == 0.0 {
                continue;
            }
            let Some(&i) = position.get(&item.code) else {
                return Err(SourceError::Invalid {
                    file,
                    reason: format!("code {:?} is not in {en_file}", item.code),
                });
            };
            let label = label_of(&item, lang);
            match lang {
                Lang::Fi => industries[i].labels.fi = label,
                Lang::Sv => industries[i].labels.sv = label,
                Lang::En => {}
            }
        }
    }

    Industries::new(industries).map_err(|source| SourceError::Industries {
        dir: dir.to_owned(),
        source,
    })
}

/// The item's name in `lang`, else its first name.
fn label_of(item: &ClassificationItem, lang: Lang) -> Option<String> {
    let names = &item.classification_item_names;
    names
        .iter()
        .find(|n| n.lang.as_deref() == Some(lang.as_str()))
        .or_else(|| names.first())
        .map(|n| n.name.trim().to_owned())
        .filter(|n| !n.is_empty())
}

fn read_items(mut source: SourceFile) -> Result<Vec<ClassificationItem>, SourceError> {
    let mut text = String::new();
    source
        .reader
        .read_to_string(&mut text)
        .map_err(|e| SourceError::Io {
            file: source.name.clone(),
            source: e,
        })?;
    serde_json::from_str(&text).map_err(|e| SourceError::Malformed {
        file: source.name,
        line: e.line() as u64,
        reason: e.to_string(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::sources::files::{fixtures_dir, test_support::write};

    #[test]
    fn shipped_industries_load() {
        let industries = load_industries_dir(&fixtures_dir().join("classifications")).unwrap();
        // 21 TOL sections A–U plus X "industry unknown"; 88 divisions plus 00.
        assert_eq!(industries.sections().count(), 22);
        assert_eq!(industries.iter().filter(|i| i.level == 2).count(), 89);
        assert_eq!(industries.len(), 111);
        assert!(industries.get("SSSSS").is_none());
        let a = industries.get("A").unwrap();
        assert_eq!(a.parent, None);
        assert_eq!(a.labels.en, "Agriculture, forestry and fishing");
        assert_eq!(
            a.labels.get(Lang::Fi),
            "Maatalous, metsätalous ja kalatalous"
        );
        assert_eq!(a.labels.get(Lang::Sv), "Jordbruk, skogsbruk och fiske");
        let forestry = industries.get("02").unwrap();
        assert_eq!(forestry.parent.as_deref(), Some("A"));
        assert_eq!(forestry.labels.get(Lang::Fi), "Metsätalous ja puunkorjuu");
        assert_eq!(industries.children("A").count(), 3);
    }

    const EN: &str = r#"[
      {"code": "SSSSS", "level": 0.0, "parentCode": null, "classificationItemNames": [{"lang": "en", "name": "Industries total"}]},
      {"code": "A", "level": 1.0, "parentCode": "SSSSS", "classificationItemNames": [{"lang": "en", "name": "Agriculture"}]},
      {"code": "01", "level": 2, "parentCode": "A", "classificationItemNames": [{"lang": "en", "name": "Crops"}]}
    ]"#;

    #[test]
    fn labels_in_other_languages_are_optional() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "toimiala_en.json.gz", EN);
        write(
            dir.path(),
            "toimiala_fi.json",
            r#"[{"code": "A", "level": 1, "parentCode": "SSSSS", "classificationItemNames": [{"lang": "fi", "name": "Maatalous"}]}]"#,
        );
        let industries = load_industries_dir(dir.path()).unwrap();
        assert_eq!(industries.len(), 2);
        assert_eq!(
            industries.get("A").unwrap().labels.fi.as_deref(),
            Some("Maatalous")
        );
        assert_eq!(industries.get("01").unwrap().labels.get(Lang::Fi), "Crops");
        assert_eq!(industries.get("01").unwrap().labels.sv, None);
    }

    #[test]
    fn malformed_json_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "toimiala_en.json",
            "[\n {\"code\": \"A\",\n \"level\": \"one\"}\n]",
        );
        let err = load_industries_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with("toimiala_en.json line 3: invalid type"),
            "{err}"
        );

        write(dir.path(), "toimiala_en.json", EN);
        write(
            dir.path(),
            "toimiala_sv.json",
            r#"[{"code": "Z", "level": 1, "parentCode": null, "classificationItemNames": [{"lang": "sv", "name": "Z"}]}]"#,
        );
        let err = load_industries_dir(dir.path()).unwrap_err().to_string();
        assert_eq!(
            err,
            "toimiala_sv.json: code \"Z\" is not in toimiala_en.json"
        );

        std::fs::remove_file(dir.path().join("toimiala_en.json")).unwrap();
        let err = load_industries_dir(dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("toimiala_en.json: not found"), "{err}");
    }

    #[test]
    fn orphan_division_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "toimiala_en.json",
            r#"[{"code": "01", "level": 2, "parentCode": "A", "classificationItemNames": [{"lang": "en", "name": "Crops"}]}]"#,
        );
        let err = load_industries_dir(dir.path()).unwrap_err();
        assert!(matches!(err, SourceError::Industries { .. }), "{err}");
    }
}
