//! Industries: the Finnish Standard Industrial Classification TOL 2008
//! (the national version of NACE Rev. 2), at section (letter) and division
//! (two digits) level, with fi/sv/en labels.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::taxonomy::Labels;

/// One TOL 2008 class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Industry {
    /// `"A"` … `"X"` for sections, `"01"` … `"99"` for divisions.
    pub code: String,
    /// 1 = section, 2 = division (deeper levels are kept if a source has them).
    pub level: u8,
    /// Code of the enclosing class; `None` for sections.
    pub parent: Option<String>,
    pub labels: Labels,
}

/// Why an industry classification could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryError {
    #[error("empty industry code")]
    EmptyCode,
    #[error("duplicate industry {0}")]
    Duplicate(String),
    #[error("industry {code} has level {level}; levels start at 1")]
    InvalidLevel { code: String, level: u8 },
    #[error("industry {code} names parent {parent:?}, which is not a class one level up")]
    InvalidParent {
        code: String,
        parent: Option<String>,
    },
}

/// The industry classification with lookup by code.
#[derive(Debug, Clone, Default)]
pub struct Industries {
    /// In input order (the classification's own order).
    industries: Vec<Industry>,
    by_code: HashMap<String, usize>,
}

impl Industries {
    /// Validates that codes are unique, levels start at 1, sections have no
    /// parent and every other class's parent is a class one level up.
    pub fn new(industries: Vec<Industry>) -> Result<Industries, IndustryError> {
        let mut by_code = HashMap::with_capacity(industries.len());
        for (i, industry) in industries.iter().enumerate() {
            if industry.code.is_empty() {
                return Err(IndustryError::EmptyCode);
            }
            if industry.level == 0 {
                return Err(IndustryError::InvalidLevel {
                    code: industry.code.clone(),
                    level: industry.level,
                });
            }
            if by_code.insert(industry.code.clone(), i).is_some() {
                return Err(IndustryError::Duplicate(industry.code.clone()));
            }
        }
        for industry in &industries {
            let parent_level = industry
                .parent
                .as_ref()
                .and_then(|p| by_code.get(p))
                .map(|&i| industries[i].level);
            let valid = match industry.level {
                1 => industry.parent.is_none(),
                level => parent_level == Some(level - 1),
            };
            if !valid {
                return Err(IndustryError::InvalidParent {
                    code: industry.code.clone(),
                    parent: industry.parent.clone(),
                });
            }
        }
        Ok(Industries {
            industries,
            by_code,
        })
    }

    /// The class with this code.
    pub fn get(&self, code: &str) -> Option<&Industry> {
        self.by_code.get(code).map(|&i| &self.industries[i])
    }

    pub fn len(&self) -> usize {
        self.industries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.industries.is_empty()
    }

    /// All classes in classification order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Industry> + '_ {
        self.industries.iter()
    }

    /// The sections (level 1).
    pub fn sections(&self) -> impl Iterator<Item = &Industry> + '_ {
        self.industries.iter().filter(|i| i.level == 1)
    }

    /// The classes directly below `code`.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Industry> + 'a {
        self.industries
            .iter()
            .filter(move |i| i.parent.as_deref() == Some(code))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::taxonomy::Lang;

    fn industry(code: &str, level: u8, parent: Option<&str>, en: &str, fi: &str) -> Industry {
        Industry {
            code: code.into(),
            level,
            parent: parent.map(Into::into),
            labels: Labels {
                en: en.into(),
                fi: Some(fi.into()),
                sv: None,
            },
        }
    }

    fn sample() -> Industries {
        Industries::new(vec![
            industry(
                "A",
                1,
                None,
                "Agriculture, forestry and fishing",
                "Maatalous",
            ),
            industry(
                "01",
                2,
                Some("A"),
                "Crop and animal production",
                "Kasvinviljely",
            ),
            industry(
                "02",
                2,
                Some("A"),
                "Forestry and logging",
                "Metsätalous ja puunkorjuu",
            ),
            industry(
                "J",
                1,
                None,
                "Information and communication",
                "Informaatio ja viestintä",
            ),
            industry("62", 2, Some("J"), "Computer programming", "Ohjelmistot"),
        ])
        .unwrap()
    }

    #[test]
    fn lookup_and_iteration() {
        let industries = sample();
        assert_eq!(industries.len(), 5);
        assert!(!industries.is_empty());
        let forestry = industries.get("02").unwrap();
        assert_eq!(forestry.parent.as_deref(), Some("A"));
        assert_eq!(forestry.labels.get(Lang::Fi), "Metsätalous ja puunkorjuu");
        assert_eq!(forestry.labels.get(Lang::Sv), "Forestry and logging");
        assert!(industries.get("03").is_none());
        let codes: Vec<_> = industries.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["A", "01", "02", "J", "62"]);
        let sections: Vec<_> = industries.sections().map(|i| i.code.as_str()).collect();
        assert_eq!(sections, ["A", "J"]);
        let children: Vec<_> = industries.children("A").map(|i| i.code.as_str()).collect();
        assert_eq!(children, ["01", "02"]);
    }

    #[test]
    fn invalid_input_is_rejected() {
        let dup = Industries::new(vec![
            industry("A", 1, None, "a", "a"),
            industry("A", 1, None, "b", "b"),
        ]);
        assert_eq!(dup.unwrap_err(), IndustryError::Duplicate("A".into()));
        let orphan = Industries::new(vec![industry("01", 2, Some("A"), "a", "a")]);
        assert!(matches!(orphan, Err(IndustryError::InvalidParent { .. })));
        let section_with_parent = Industries::new(vec![
            industry("A", 1, None, "a", "a"),
            industry("B", 1, Some("A"), "b", "b"),
        ]);
        assert!(matches!(
            section_with_parent,
            Err(IndustryError::InvalidParent { .. })
        ));
        let level0 = Industries::new(vec![industry("SSSSS", 0, None, "total", "yhteensä")]);
        assert!(matches!(level0, Err(IndustryError::InvalidLevel { .. })));
    }
}
