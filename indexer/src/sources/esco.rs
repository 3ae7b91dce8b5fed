//! The ESCO taxonomy from CSV: the shipped trilingual files
//! (`esco_occupations_en_fi_sv.csv`, …) or an official ESCO CSV export
//! (`occupations_en.csv`, `skills_en.csv`, `ISCOGroups_en.csv`,
//! `occupationSkillRelations_en.csv`, with `preferredLabel`/`altLabels`
//! columns). Per-language occupation exports in the official layout
//! (`occupations_fi.csv`, `occupations_sv.csv`) add that language's
//! alternative and hidden labels and descriptions.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;
use std::path::Path;

use matcher::taxonomy::{
    IscoGroup, Labels, Lang, Occupation, OccupationSkill, Skill, SkillRelation, SkillRelationKind,
    Taxonomy,
};

use super::files::{open_first, open_if_exists, Column, CsvTable, SourceError};

/// File names tried for each part, shipped name first.
const OCCUPATIONS: &[&str] = &["esco_occupations_en_fi_sv.csv", "occupations_en.csv"];
const SKILLS: &[&str] = &["esco_skills_en_fi_sv.csv", "skills_en.csv"];
const ISCO_GROUPS: &[&str] = &["isco08_groups_en_fi_sv.csv", "ISCOGroups_en.csv"];
const OCCUPATION_SKILLS: &[&str] = &[
    "occupation_skill_relations_en.csv",
    "occupationSkillRelations_en.csv",
];
const SKILL_RELATIONS: &[&str] = &["skillSkillRelations_en.csv"];
const BROADER_OCCUPATIONS: &[&str] = &["broaderRelationsOccPillar_en.csv"];
const VERSION_FILE: &str = "VERSION";

/// Loads the ESCO taxonomy from `dir`.
///
/// The version is the first line of a `VERSION` file in `dir` if there is
/// one, else `"ESCO (imported <date of the occupations file>)"`.
pub fn load_taxonomy_dir(dir: &Path) -> Result<Taxonomy, SourceError> {
    let isco_groups = read_isco_groups(dir)?;
    let (mut occupations, version) = read_occupations(dir)?;
    let (mut skills, skill_counts_given) = read_skills(dir)?;
    let occupation_skills = read_occupation_skills(dir)?;
    let skill_relations = read_skill_relations(dir)?;
    let broader = read_broader_occupations(dir)?;

    for occupation in &mut occupations {
        occupation.broader_uri = broader.get(&occupation.uri).cloned();
    }
    for lang in [Lang::Fi, Lang::Sv] {
        read_language_export(dir, lang, &mut occupations)?;
    }
    if !skill_counts_given {
        count_occupations_per_skill(&mut skills, &occupation_skills);
    }
    Taxonomy::new(
        version,
        isco_groups,
        occupations,
        skills,
        occupation_skills,
        skill_relations,
    )
    .map_err(|source| SourceError::Taxonomy {
        dir: dir.to_owned(),
        source,
    })
}

fn is_isco_code(code: &str, levels: std::ops::RangeInclusive<usize>) -> bool {
    levels.contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Splits alternative labels: `" | "`-separated in the shipped files,
/// newline-separated in official exports.
fn split_alt_labels(value: Option<&str>, separator: &str) -> Vec<String> {
    value
        .map(|v| {
            v.split(separator)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The alt-label column and its separator: shipped `altLabels_en` (" | ")
/// or official `altLabels` (newline).
fn alt_labels_column(table: &CsvTable) -> Option<(Column, &'static str)> {
    Column::optional(table, &["altLabels_en"])
        .map(|c| (c, " | "))
        .or_else(|| Column::optional(table, &["altLabels"]).map(|c| (c, "\n")))
}

fn read_isco_groups(dir: &Path) -> Result<Vec<IscoGroup>, SourceError> {
    let mut table = CsvTable::open(open_first(dir, ISCO_GROUPS)?)?;
    let code = table.require(&["code"])?;
    let label_en = table.require(&["label_en", "preferredLabel"])?;
    let label_fi = Column::optional(&table, &["label_fi"]);
    let label_sv = Column::optional(&table, &["label_sv"]);
    // Official exports have no parent column; the parent is the code minus
    // its last digit.
    let parent = Column::optional(&table, &["parent_code"]);
    let mut groups = Vec::new();
    let mut seen = HashSet::new();
    while table.next_record()? {
        let code = table.non_empty(code)?.to_owned();
        if !is_isco_code(&code, 1..=4) {
            return Err(table.error(format!("invalid ISCO code {code:?}")));
        }
        if !seen.insert(code.clone()) {
            return Err(table.error(format!("duplicate ISCO code {code}")));
        }
        let parent = match parent {
            Some(column) => table.optional(Some(column))?.map(str::to_owned),
            None => (code.len() > 1).then(|| code[..code.len() - 1].to_owned()),
        };
        if let Some(p) = &parent {
            if !is_isco_code(p, 1..=3) {
                return Err(table.error(format!("invalid parent ISCO code {p:?}")));
            }
        }
        groups.push(IscoGroup {
            labels: Labels {
                en: table.non_empty(label_en)?.to_owned(),
                fi: table.optional(label_fi)?.map(str::to_owned),
                sv: table.optional(label_sv)?.map(str::to_owned),
            },
            code,
            parent,
        });
    }
    Ok(groups)
}

fn read_occupations(dir: &Path) -> Result<(Vec<Occupation>, String), SourceError> {
    let source = open_first(dir, OCCUPATIONS)?;
    let version = version_of(dir, &source.path)?;
    let mut table = CsvTable::open(source)?;
    let uri = table.require(&["conceptUri"])?;
    let esco_code = table.require(&["code"])?;
    let isco = table.require(&["iscoGroup"])?;
    let label_en = table.require(&["preferredLabel_en", "preferredLabel"])?;
    let label_fi = Column::optional(&table, &["preferredLabel_fi"]);
    let label_sv = Column::optional(&table, &["preferredLabel_sv"]);
    let alt_labels = alt_labels_column(&table);
    let description = Column::optional(&table, &["description_en", "description"]);
    let mut occupations = Vec::new();
    let mut seen = HashSet::new();
    while table.next_record()? {
        let uri = table.non_empty(uri)?.to_owned();
        if !seen.insert(uri.clone()) {
            return Err(table.error(format!("duplicate conceptUri {uri}")));
        }
        let isco_code = table.non_empty(isco)?;
        if !is_isco_code(isco_code, 4..=4) {
            return Err(table.error(format!("invalid ISCO code {isco_code:?}")));
        }
        occupations.push(Occupation {
            esco_code: table.get(esco_code)?.to_owned(),
            isco_code: isco_code.to_owned(),
            labels: Labels {
                en: table.non_empty(label_en)?.to_owned(),
                fi: table.optional(label_fi)?.map(str::to_owned),
                sv: table.optional(label_sv)?.map(str::to_owned),
            },
            alt_labels_en: match alt_labels {
                Some((column, separator)) => {
                    split_alt_labels(table.optional(Some(column))?, separator)
                }
                None => Vec::new(),
            },
            alt_labels_fi: Vec::new(),
            alt_labels_sv: Vec::new(),
            description_en: table.optional(description)?.unwrap_or_default().to_owned(),
            description_fi: String::new(),
            broader_uri: None,
            uri,
        });
    }
    Ok((occupations, version))
}

/// Reads `occupations_<lang>.csv` (the official ESCO export layout for one
/// language: `conceptUri`, `preferredLabel`, newline-separated `altLabels`
/// and `hiddenLabels`, `description`) when the directory has it: fills in
/// the preferred label where the main file lacks one, and adds the
/// alternative and hidden labels and the description. Rows for occupations
/// the main file does not have are skipped (an export of another version).
fn read_language_export(
    dir: &Path,
    lang: Lang,
    occupations: &mut [Occupation],
) -> Result<(), SourceError> {
    let name = format!("occupations_{}.csv", lang.as_str());
    let Some(source) = open_if_exists(dir, &name)? else {
        return Ok(());
    };
    let mut table = CsvTable::open(source)?;
    let uri = table.require(&["conceptUri"])?;
    let preferred = Column::optional(&table, &["preferredLabel"]);
    let alt = Column::optional(&table, &["altLabels"]);
    let hidden = Column::optional(&table, &["hiddenLabels"]);
    let description = Column::optional(&table, &["description"]);
    let position: HashMap<String, usize> = occupations
        .iter()
        .enumerate()
        .map(|(i, o)| (o.uri.clone(), i))
        .collect();
    while table.next_record()? {
        let Some(&i) = position.get(table.non_empty(uri)?) else {
            continue;
        };
        let occupation = &mut occupations[i];
        let mut labels = split_alt_labels(table.optional(alt)?, "\n");
        labels.extend(split_alt_labels(table.optional(hidden)?, "\n"));
        let text = table
            .optional(description)?
            .unwrap_or_default()
            .trim()
            .to_owned();
        let preferred = table.optional(preferred)?.map(str::trim);
        match lang {
            Lang::Fi => {
                if occupation.labels.fi.is_none() {
                    occupation.labels.fi = preferred.map(str::to_owned);
                }
                occupation.description_fi = text;
            }
            Lang::Sv => {
                if occupation.labels.sv.is_none() {
                    occupation.labels.sv = preferred.map(str::to_owned);
                }
            }
            Lang::En => {}
        }
        let own = occupation.labels.exact(lang).map(str::to_lowercase);
        let mut seen = HashSet::new();
        labels.retain(|l| Some(l.to_lowercase()) != own && seen.insert(l.to_lowercase()));
        match lang {
            Lang::Fi => occupation.alt_labels_fi = labels,
            Lang::Sv => occupation.alt_labels_sv = labels,
            Lang::En => {}
        }
    }
    Ok(())
}

/// Returns the skills and whether the file gave the per-skill occupation
/// counts (official exports do not; they are then counted from the
/// relations).
fn read_skills(dir: &Path) -> Result<(Vec<Skill>, bool), SourceError> {
    let mut table = CsvTable::open(open_first(dir, SKILLS)?)?;
    let uri = table.require(&["conceptUri"])?;
    let label_en = table.require(&["preferredLabel_en", "preferredLabel"])?;
    let label_fi = Column::optional(&table, &["preferredLabel_fi"]);
    let label_sv = Column::optional(&table, &["preferredLabel_sv"]);
    let alt_labels = alt_labels_column(&table);
    let n_essential = Column::optional(&table, &["n_occupations_essential"]);
    let n_optional = Column::optional(&table, &["n_occupations_optional"]);
    let counts = match (n_essential, n_optional) {
        (Some(e), Some(o)) => Some((e, o)),
        (None, None) => None,
        _ => {
            return Err(table.header_error(
                "n_occupations_essential and n_occupations_optional must come together".into(),
            ))
        }
    };
    let mut skills = Vec::new();
    let mut seen = HashSet::new();
    while table.next_record()? {
        let uri = table.non_empty(uri)?.to_owned();
        if !seen.insert(uri.clone()) {
            return Err(table.error(format!("duplicate conceptUri {uri}")));
        }
        let (n_occupations_essential, n_occupations_optional) = match counts {
            Some((e, o)) => (table.parse(e)?, table.parse(o)?),
            None => (0, 0),
        };
        skills.push(Skill {
            labels: Labels {
                en: table.non_empty(label_en)?.to_owned(),
                fi: table.optional(label_fi)?.map(str::to_owned),
                sv: table.optional(label_sv)?.map(str::to_owned),
            },
            alt_labels_en: match alt_labels {
                Some((column, separator)) => {
                    split_alt_labels(table.optional(Some(column))?, separator)
                }
                None => Vec::new(),
            },
            n_occupations_essential,
            n_occupations_optional,
            uri,
        });
    }
    Ok((skills, counts.is_some()))
}

fn parse_kind(table: &CsvTable, column: Column) -> Result<SkillRelationKind, SourceError> {
    let value = table.get(column)?;
    value
        .parse()
        .map_err(|_| table.error(format!("invalid relationType {value:?}")))
}

/// Occupation–skill rows. Rows without a skill URI (the shipped file has
/// ~1.4% whose skill label could not be matched back to a URI) are passed on
/// with an empty URI; [`Taxonomy::new`] skips and counts them.
fn read_occupation_skills(dir: &Path) -> Result<Vec<OccupationSkill>, SourceError> {
    let mut table = CsvTable::open(open_first(dir, OCCUPATION_SKILLS)?)?;
    let occupation = table.require(&["occupationUri"])?;
    let kind = table.require(&["relationType"])?;
    let skill = table.require(&["skillUri"])?;
    let mut relations = Vec::with_capacity(1 << 17);
    while table.next_record()? {
        relations.push(OccupationSkill {
            occupation_uri: table.non_empty(occupation)?.to_owned(),
            skill_uri: table.get(skill)?.to_owned(),
            kind: parse_kind(&table, kind)?,
        });
    }
    Ok(relations)
}

fn read_skill_relations(dir: &Path) -> Result<Vec<SkillRelation>, SourceError> {
    let mut table = CsvTable::open(open_first(dir, SKILL_RELATIONS)?)?;
    let from = table.require(&["originalSkillUri"])?;
    let kind = table.require(&["relationType"])?;
    let to = table.require(&["relatedSkillUri"])?;
    let mut relations = Vec::new();
    while table.next_record()? {
        relations.push(SkillRelation {
            from_uri: table.non_empty(from)?.to_owned(),
            to_uri: table.non_empty(to)?.to_owned(),
            kind: parse_kind(&table, kind)?,
        });
    }
    Ok(relations)
}

/// Occupation URI → the occupation directly above it, from the occupation
/// pillar's broader relations (relations to ISCO groups are implied by the
/// ISCO code and ignored).
fn read_broader_occupations(dir: &Path) -> Result<HashMap<String, String>, SourceError> {
    let mut table = CsvTable::open(open_first(dir, BROADER_OCCUPATIONS)?)?;
    let concept_type = table.require(&["conceptType"])?;
    let concept = table.require(&["conceptUri"])?;
    let broader_type = table.require(&["broaderType"])?;
    let broader = table.require(&["broaderUri"])?;
    let mut parents = HashMap::new();
    while table.next_record()? {
        let is_occupation = |c| table.get(c).map(|t| t.eq_ignore_ascii_case("Occupation"));
        if is_occupation(concept_type)? && is_occupation(broader_type)? {
            // ESCO gives one broader occupation per occupation; keep the first.
            let broader = table.non_empty(broader)?.to_owned();
            parents
                .entry(table.non_empty(concept)?.to_owned())
                .or_insert(broader);
        }
    }
    Ok(parents)
}

/// Fills the per-skill counts of essential/optional occupations from the
/// relations, counting each occupation–skill pair once.
fn count_occupations_per_skill(skills: &mut [Skill], relations: &[OccupationSkill]) {
    let position: HashMap<&str, usize> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.uri.as_str(), i))
        .collect();
    let mut kinds: HashMap<(&str, usize), SkillRelationKind> = HashMap::new();
    for r in relations {
        if let Some(&i) = position.get(r.skill_uri.as_str()) {
            let kind = kinds
                .entry((r.occupation_uri.as_str(), i))
                .or_insert(r.kind);
            if r.kind == SkillRelationKind::Essential {
                *kind = SkillRelationKind::Essential;
            }
        }
    }
    let mut counts = vec![(0u32, 0u32); skills.len()];
    for ((_, i), kind) in kinds {
        match kind {
            SkillRelationKind::Essential => counts[i].0 += 1,
            SkillRelationKind::Optional => counts[i].1 += 1,
        }
    }
    for (skill, (essential, optional)) in skills.iter_mut().zip(counts) {
        skill.n_occupations_essential = essential;
        skill.n_occupations_optional = optional;
    }
}

fn version_of(dir: &Path, occupations_file: &Path) -> Result<String, SourceError> {
    if let Some(mut source) = open_if_exists(dir, VERSION_FILE)? {
        let mut text = String::new();
        source
            .reader
            .read_to_string(&mut text)
            .map_err(|e| SourceError::Io {
                file: source.name.clone(),
                source: e,
            })?;
        return match text.lines().map(str::trim).find(|l| !l.is_empty()) {
            Some(line) => Ok(line.to_owned()),
            None => Err(SourceError::Invalid {
                file: source.name,
                reason: "empty version".into(),
            }),
        };
    }
    let imported = std::fs::metadata(occupations_file)
        .and_then(|m| m.modified())
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .format("%Y-%m-%d")
                .to_string()
        });
    Ok(match imported {
        Ok(date) => format!("ESCO (imported {date})"),
        Err(_) => "ESCO (unknown version)".to_owned(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::sources::files::{fixtures_dir, test_support::write};
    use matcher::taxonomy::Lang;

    #[test]
    fn shipped_taxonomy_loads() {
        let t = load_taxonomy_dir(&fixtures_dir().join("esco")).unwrap();
        assert_eq!(t.version(), "ESCO v1.2.0");
        assert_eq!(t.occupation_count(), 3039);
        assert!(t.skill_count() >= 13_000, "{}", t.skill_count());
        assert_eq!(t.isco_group_count(), 619);
        assert_eq!(t.occupation_skill_count(), 126_268);
        let skipped = t.skipped();
        // 1,868 rows without a skill URI + 907 naming skills not in the file.
        assert_eq!(skipped.unresolved_occupation_skills, 1868 + 907);
        // 17 repeated pairs in the file, one of them naming an unknown skill.
        assert_eq!(skipped.duplicate_occupation_skills, 16);
        assert_eq!(t.skill_relation_count(), 5_817);
        assert_eq!(skipped.unresolved_skill_relations, 1);

        let ai = t
            .occupation_by_uri(
                "http://data.europa.eu/esco/occupation/35553663-deab-4d9a-bf22-15c1625d28e8",
            )
            .unwrap();
        assert_eq!(ai.labels.en, "artificial intelligence engineer");
        assert_eq!(ai.isco_code.len(), 4);
        let tech = t
            .occupation_by_uri(
                "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34",
            )
            .unwrap();
        assert_eq!(tech.labels.get(Lang::Fi), "tekninen johtaja");
        assert_eq!(tech.labels.get(Lang::Sv), "teknisk ledare");
        assert_eq!(tech.esco_code, "2654.1.7");
        assert!(tech.alt_labels_en.contains(&"head of technical".to_owned()));
        assert!(tech.description_en.starts_with("Technical directors"));
        // The official Finnish and Swedish exports add their alternative
        // (and hidden) labels and the Finnish descriptions.
        assert_eq!(tech.alt_labels(Lang::Fi), ["tekninen päällikkö"]);
        assert!(tech.description_fi.starts_with("Tekniset johtajat"));
        let fi: usize = t.occupations().map(|(_, o)| o.alt_labels_fi.len()).sum();
        let sv: usize = t.occupations().map(|(_, o)| o.alt_labels_sv.len()).sum();
        assert!(fi > 5_000 && sv > 3_500, "{fi} {sv}");

        let codes: Vec<_> = t
            .isco_ancestry("2511")
            .iter()
            .map(|g| g.code.as_str())
            .collect();
        assert_eq!(codes, ["2", "25", "251", "2511"]);
        assert!(!t.occupations_in_isco("2511").is_empty());
        let professionals = t.occupations_in_isco("2").len();
        assert!(professionals > t.occupations_in_isco("25").len());
        assert_eq!(
            (0..10)
                .map(|d| t.occupations_in_isco(&d.to_string()).len())
                .sum::<usize>(),
            3039
        );
        let with_broader = t
            .occupations()
            .filter(|(_, o)| o.broader_uri.is_some())
            .count();
        assert_eq!(with_broader, 1248);

        let basque = t
            .skill_by_uri("http://data.europa.eu/esco/skill/d21bcba8-ecf5-4ac3-9a6c-25a5afa42ea2")
            .unwrap();
        assert_eq!(basque.labels.get(Lang::Fi), "kirjoittaa baskia");
        let ai_idx = t.occupation_idx(&ai.uri).unwrap();
        assert!(t.skills_of(ai_idx).len() >= 10);
    }

    /// A minimal valid directory in the shipped format.
    fn minimal(dir: &Path) {
        write(
            dir,
            "isco08_groups_en_fi_sv.csv",
            "conceptUri,code,label_en,label_fi,label_sv,parent_code\n\
             u,2,Professionals,Erityisasiantuntijat,Specialister,\n\
             u,25,ICT professionals,ICT-alan erityisasiantuntijat,,2\n\
             u,251,Software developers,,,25\n\
             u,2511,Systems analysts,,,251\n",
        );
        write(
            dir,
            "esco_occupations_en_fi_sv.csv.gz",
            "conceptUri,code,iscoGroup,preferredLabel_en,preferredLabel_fi,preferredLabel_sv,altLabels_en,description_en\n\
             o:1,2511.1,2511,ICT analyst,ICT-analyytikko,IKT-analytiker,analyst | systems analyst,\"Analyses,\nthings\"\n\
             o:2,2511.1.1,2511,junior analyst,,,,\n",
        );
        write(
            dir,
            "esco_skills_en_fi_sv.csv",
            "conceptUri,preferredLabel_en,preferredLabel_fi,preferredLabel_sv,altLabels_en,n_occupations_essential,n_occupations_optional\n\
             s:1,SQL,SQL,SQL,structured query language,1,0\n\
             s:2,Rust,,,,0,1\n",
        );
        write(
            dir,
            "occupation_skill_relations_en.csv",
            "occupationUri,occupationLabel,relationType,skillUri,skillLabel\n\
             o:1,ICT analyst,essential,s:1,SQL\n\
             o:1,ICT analyst,optional,,lost label\n\
             o:2,junior analyst,optional,s:2,Rust\n",
        );
        write(
            dir,
            "skillSkillRelations_en.csv",
            "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n\
             s:1,knowledge,optional,skill/competence,s:2\n",
        );
        write(
            dir,
            "broaderRelationsOccPillar_en.csv",
            "conceptType,conceptUri,broaderType,broaderUri\n\
             Occupation,o:1,ISCOGroup,http://data.europa.eu/esco/isco/C2511\n\
             Occupation,o:2,Occupation,o:1\n",
        );
    }

    #[test]
    fn minimal_directory_loads_with_quoted_newlines_and_gzip() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        write(dir.path(), "VERSION", "\nESCO test 9\n");
        let t = load_taxonomy_dir(dir.path()).unwrap();
        assert_eq!(t.version(), "ESCO test 9");
        let o1 = t.occupation_by_uri("o:1").unwrap();
        assert_eq!(o1.alt_labels_en, ["analyst", "systems analyst"]);
        assert_eq!(o1.description_en, "Analyses,\nthings");
        assert_eq!(o1.labels.sv.as_deref(), Some("IKT-analytiker"));
        assert_eq!(o1.broader_uri, None);
        let o2 = t.occupation_by_uri("o:2").unwrap();
        assert_eq!(o2.broader_uri.as_deref(), Some("o:1"));
        assert_eq!(o2.labels.fi, None);
        assert_eq!(t.occupation_skill_count(), 2);
        assert_eq!(t.skipped().unresolved_occupation_skills, 1);
        assert_eq!(t.skill_relation_count(), 1);
        assert_eq!(t.isco_group("25").unwrap().labels.sv, None);
    }

    #[test]
    fn language_exports_add_alternative_hidden_labels_and_descriptions() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        write(
            dir.path(),
            "occupations_fi.csv",
            "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,description,code\n\
             Occupation,o:1,2511,ICT-analyytikko,\"järjestelmäanalyytikko\nICT-analyytikko\",tietotekniikka-analyytikko,released,Analysoi.,2511.1\n\
             Occupation,o:2,2511,työnjohtaja,,,released,,2511.2\n\
             Occupation,o:gone,2511,poistunut,vanha,,released,,2511.3\n",
        );
        let t = load_taxonomy_dir(dir.path()).unwrap();
        let o1 = t.occupation_by_uri("o:1").unwrap();
        // The preferred label is not repeated as an alternative one.
        assert_eq!(
            o1.alt_labels(Lang::Fi),
            ["järjestelmäanalyytikko", "tietotekniikka-analyytikko"]
        );
        assert_eq!(o1.description(Lang::Fi), Some("Analysoi."));
        // A preferred label the main file lacked is filled in.
        let o2 = t.occupation_by_uri("o:2").unwrap();
        assert_eq!(o2.labels.fi.as_deref(), Some("työnjohtaja"));
        assert!(o2.alt_labels(Lang::Sv).is_empty());
        // Rows of occupations the main file does not have are skipped.
        assert!(t.occupation_by_uri("o:gone").is_none());
    }

    #[test]
    fn version_falls_back_to_the_import_date() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        let t = load_taxonomy_dir(dir.path()).unwrap();
        assert!(
            t.version().starts_with("ESCO (imported 20"),
            "{}",
            t.version()
        );
    }

    #[test]
    fn official_export_columns_load() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        std::fs::remove_file(dir.path().join("esco_occupations_en_fi_sv.csv.gz")).unwrap();
        std::fs::remove_file(dir.path().join("esco_skills_en_fi_sv.csv")).unwrap();
        std::fs::remove_file(dir.path().join("isco08_groups_en_fi_sv.csv")).unwrap();
        write(
            dir.path(),
            "ISCOGroups_en.csv",
            "conceptType,conceptUri,code,preferredLabel,altLabels,inScheme,description\n\
             ISCOGroup,u,2,Professionals,,,\n\
             ISCOGroup,u,25,ICT professionals,,,\n\
             ISCOGroup,u,251,Software developers,,,\n\
             ISCOGroup,u,2511,Systems analysts,,,\n",
        );
        write(
            dir.path(),
            "occupations_en.csv",
            "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,description,code\n\
             Occupation,o:1,2511,ICT analyst,\"analyst\nsystems analyst\",,released,Analyses.,2511.1\n\
             Occupation,o:2,2511,junior analyst,,,released,,2511.1.1\n",
        );
        write(
            dir.path(),
            "skills_en.csv",
            "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\n\
             KnowledgeSkillCompetence,s:1,knowledge,,SQL,\"structured query language\nSQL language\",\n\
             KnowledgeSkillCompetence,s:2,skill/competence,,Rust,,\n",
        );
        let t = load_taxonomy_dir(dir.path()).unwrap();
        let o1 = t.occupation_by_uri("o:1").unwrap();
        assert_eq!(o1.labels.en, "ICT analyst");
        assert_eq!(o1.labels.fi, None);
        assert_eq!(o1.alt_labels_en, ["analyst", "systems analyst"]);
        assert_eq!(t.isco_group("251").unwrap().parent.as_deref(), Some("25"));
        let sql = t.skill_by_uri("s:1").unwrap();
        assert_eq!(sql.alt_labels_en.len(), 2);
        assert_eq!(
            (sql.n_occupations_essential, sql.n_occupations_optional),
            (1, 0)
        );
        let rust = t.skill_by_uri("s:2").unwrap();
        assert_eq!(
            (rust.n_occupations_essential, rust.n_occupations_optional),
            (0, 1)
        );
    }

    fn error_for(file: &str, content: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        // Replace whichever form (plain or .gz) the minimal set used.
        let _ = std::fs::remove_file(dir.path().join(format!("{file}.gz")));
        write(dir.path(), file, content);
        load_taxonomy_dir(dir.path()).unwrap_err().to_string()
    }

    #[test]
    fn malformed_files_are_rejected_naming_file_and_line() {
        const OCC_HEADER: &str = "conceptUri,code,iscoGroup,preferredLabel_en,preferredLabel_fi,preferredLabel_sv,altLabels_en,description_en\n";
        let err = error_for(
            "esco_occupations_en_fi_sv.csv",
            &format!("{OCC_HEADER}o:1,2511.1,2511,a,,,,\no:2,2511.2,25x1,b,,,,\n"),
        );
        assert_eq!(
            err,
            "esco_occupations_en_fi_sv.csv line 3: invalid ISCO code \"25x1\""
        );

        let err = error_for(
            "esco_occupations_en_fi_sv.csv",
            &format!("{OCC_HEADER}o:1,2511.1,2511,a,,,,\n\"o:2\",2511.2\n"),
        );
        assert_eq!(
            err,
            "esco_occupations_en_fi_sv.csv line 3: missing column iscoGroup"
        );

        let err = error_for(
            "esco_occupations_en_fi_sv.csv",
            &format!("{OCC_HEADER}o:1,2511.1,2511,a,,,,\no:1,2511.1,2511,a,,,,\n"),
        );
        assert_eq!(
            err,
            "esco_occupations_en_fi_sv.csv line 3: duplicate conceptUri o:1"
        );

        let err = error_for(
            "esco_occupations_en_fi_sv.csv",
            "conceptUri,code,preferredLabel_en\no:1,2511.1,a\n",
        );
        assert_eq!(
            err,
            "esco_occupations_en_fi_sv.csv line 1: missing column iscoGroup in the header"
        );

        let err = error_for(
            "esco_skills_en_fi_sv.csv",
            "conceptUri,preferredLabel_en,preferredLabel_fi,preferredLabel_sv,altLabels_en,n_occupations_essential,n_occupations_optional\n\
             s:1,SQL,,,,1,0\ns:2,Rust,,,,many,0\n",
        );
        assert_eq!(
            err,
            "esco_skills_en_fi_sv.csv line 3: invalid n_occupations_essential \"many\""
        );

        let err = error_for(
            "occupation_skill_relations_en.csv",
            "occupationUri,occupationLabel,relationType,skillUri,skillLabel\n\
             o:1,a,essential,s:1,SQL\no:1,a,mandatory,s:2,Rust\n",
        );
        assert_eq!(
            err,
            "occupation_skill_relations_en.csv line 3: invalid relationType \"mandatory\""
        );

        let err = error_for(
            "isco08_groups_en_fi_sv.csv",
            "conceptUri,code,label_en,label_fi,label_sv,parent_code\nu,2,P,,,\nu,2A,Q,,,2\n",
        );
        assert_eq!(
            err,
            "isco08_groups_en_fi_sv.csv line 3: invalid ISCO code \"2A\""
        );

        let err = error_for(
            "esco_skills_en_fi_sv.csv",
            "conceptUri,preferredLabel_en\ns:1,\n",
        );
        assert_eq!(
            err,
            "esco_skills_en_fi_sv.csv line 2: empty preferredLabel_en"
        );
    }

    #[test]
    fn inconsistent_taxonomy_is_rejected() {
        // An occupation in a unit group that the ISCO file lacks.
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        write(
            dir.path(),
            "isco08_groups_en_fi_sv.csv",
            "conceptUri,code,label_en,label_fi,label_sv,parent_code\nu,2,P,,,\n",
        );
        let err = load_taxonomy_dir(dir.path()).unwrap_err();
        assert!(matches!(err, SourceError::Taxonomy { .. }), "{err}");
        assert!(err.to_string().contains("2511"), "{err}");
    }

    #[test]
    fn missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        std::fs::remove_file(dir.path().join("skillSkillRelations_en.csv")).unwrap();
        let err = load_taxonomy_dir(dir.path()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("skillSkillRelations_en.csv: not found"),
            "{err}"
        );
    }
}
