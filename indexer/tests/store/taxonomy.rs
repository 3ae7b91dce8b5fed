//! Reference data through the store: the shipped taxonomy, geography and
//! industries are replaced, loaded back and compared.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use indexer::sources::{fixtures_dir, load_geography_dir, load_industries_dir, load_taxonomy_dir};
use indexer::store::taxonomy::{
    load_geography, load_industries, load_taxonomy, replace_geography, replace_industries,
    replace_taxonomy, taxonomy_counts, taxonomy_meta, TaxonomyCounts,
};
use indexer::store::DbConnection;
use matcher::taxonomy::{Lang, SkillRelationKind};

const TECHNICAL_DIRECTOR: &str =
    "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34";
const WRITE_BASQUE: &str = "http://data.europa.eu/esco/skill/d21bcba8-ecf5-4ac3-9a6c-25a5afa42ea2";

pub fn taxonomy_roundtrip(conn: &mut DbConnection) {
    // Nothing stored yet.
    assert!(load_taxonomy(conn).unwrap().is_none());
    assert!(load_geography(conn).unwrap().is_none());
    assert!(load_industries(conn).unwrap().is_none());
    assert!(taxonomy_meta(conn).unwrap().is_none());
    assert_eq!(taxonomy_counts(conn).unwrap(), TaxonomyCounts::default());

    let taxonomy = load_taxonomy_dir(&fixtures_dir().join("esco")).unwrap();
    let geography = load_geography_dir(&fixtures_dir().join("geo")).unwrap();
    let industries = load_industries_dir(&fixtures_dir().join("classifications")).unwrap();

    replace_taxonomy(conn, &taxonomy).unwrap();
    replace_geography(conn, &geography).unwrap();
    replace_industries(conn, &industries).unwrap();
    // A second replacement replaces rather than adds.
    replace_taxonomy(conn, &taxonomy).unwrap();
    replace_geography(conn, &geography).unwrap();
    replace_industries(conn, &industries).unwrap();

    let counts = taxonomy_counts(conn).unwrap();
    assert_eq!(
        counts,
        TaxonomyCounts {
            occupations: taxonomy.occupation_count() as i64,
            skills: taxonomy.skill_count() as i64,
            isco_groups: 619,
            occupation_skills: taxonomy.occupation_skill_count() as i64,
            skill_relations: taxonomy.skill_relation_count() as i64,
            municipalities: 308,
            regions: 19,
            industries: industries.len() as i64,
        }
    );
    assert_eq!(taxonomy_meta(conn).unwrap().unwrap().version, "ESCO v1.2.0");

    let loaded = load_taxonomy(conn).unwrap().unwrap();
    assert_eq!(loaded.version(), taxonomy.version());
    assert_eq!(loaded.occupation_count(), taxonomy.occupation_count());
    assert_eq!(loaded.skill_count(), taxonomy.skill_count());
    assert_eq!(loaded.isco_group_count(), taxonomy.isco_group_count());
    assert_eq!(
        loaded.occupation_skill_count(),
        taxonomy.occupation_skill_count()
    );
    assert_eq!(
        loaded.skill_relation_count(),
        taxonomy.skill_relation_count()
    );
    // Same concepts under the same indexes, field for field.
    assert!(loaded
        .occupations()
        .zip(taxonomy.occupations())
        .all(|(a, b)| a == b));
    assert!(loaded.skills().zip(taxonomy.skills()).all(|(a, b)| a == b));
    assert!(loaded.isco_groups().eq(taxonomy.isco_groups()));
    assert!(loaded
        .occupation_skill_relations()
        .eq(taxonomy.occupation_skill_relations()));
    assert!(loaded.skill_relations().eq(taxonomy.skill_relations()));

    let director = loaded.occupation_by_uri(TECHNICAL_DIRECTOR).unwrap();
    assert_eq!(director.labels.get(Lang::Fi), "tekninen johtaja");
    assert_eq!(director.labels.get(Lang::Sv), "teknisk ledare");
    assert_eq!(director.isco_code, "2654");
    assert!(director
        .alt_labels_en
        .contains(&"head of technical".to_owned()));
    let idx = loaded.occupation_idx(TECHNICAL_DIRECTOR).unwrap();
    assert!(loaded
        .skills_of(idx)
        .iter()
        .any(|&(_, kind)| kind == SkillRelationKind::Essential));
    let basque = loaded.skill_by_uri(WRITE_BASQUE).unwrap();
    assert_eq!(basque.labels.get(Lang::Sv), "skriva på baskiska");
    let group = loaded.isco_group("2511").unwrap();
    assert_eq!(group.parent.as_deref(), Some("251"));
    assert!(group.labels.fi.is_some());

    let geo = load_geography(conn).unwrap().unwrap();
    assert!(geo.municipalities().eq(geography.municipalities()));
    assert!(geo.regions().eq(geography.regions()));
    assert_eq!(geo.municipality_by_name("Helsingfors").unwrap().code, "091");
    assert_eq!(geo.region("06").unwrap().name_sv, "Birkaland");
    let d = geo.distance_km("091", "837").unwrap();
    assert!((d - 160.0).abs() <= 15.0, "Helsinki–Tampere {d} km");

    let ind = load_industries(conn).unwrap().unwrap();
    assert!(
        ind.iter().eq(industries.iter()),
        "same classes in the same order"
    );
    let forestry = ind.get("02").unwrap();
    assert_eq!(forestry.parent.as_deref(), Some("A"));
    assert_eq!(forestry.labels.get(Lang::Fi), "Metsätalous ja puunkorjuu");
    assert_eq!(forestry.labels.get(Lang::Sv), "Skogsbruk");
}
