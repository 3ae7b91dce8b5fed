//! Finnish geography: municipalities (kunnat), regions (maakunnat) and the
//! great-circle distances between them.
//!
//! Codes are Statistics Finland's: three digits for a municipality (`"091"`
//! Helsinki), two for a region (`"01"` Uusimaa). Names can be looked up in
//! Finnish, Swedish (and English for regions) regardless of case and
//! diacritics, so that `"Mantta-Vilppula"` typed on an English keyboard finds
//! Mänttä-Vilppula. Coordinates are polygon centroids, not population-weighted.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::taxonomy::Lang;

/// Mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A Finnish municipality.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Municipality {
    /// Statistics Finland municipality code, 3 digits.
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// Region (maakunta) code, 2 digits.
    pub region_code: String,
    /// Sub-region (seutukunta) code, 3 digits.
    pub sub_region_code: String,
    pub sub_region_name_fi: String,
    /// ELY centre number, e.g. `"01"`.
    pub ely_code: String,
    /// ELY centre abbreviation, e.g. `"UUD"`.
    pub ely_abbr: String,
    pub population: u32,
    pub lat: f64,
    pub lon: f64,
}

/// A Finnish region (maakunta).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Statistics Finland region code, 2 digits.
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub population: u32,
    pub lat: f64,
    pub lon: f64,
}

impl Municipality {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fi => &self.name_fi,
            Lang::Sv => &self.name_sv,
            Lang::En => &self.name_en,
        }
    }
}

impl Region {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fi => &self.name_fi,
            Lang::Sv => &self.name_sv,
            Lang::En => &self.name_en,
        }
    }
}

/// Why a geography could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeographyError {
    #[error("invalid municipality code {0:?} (expected 3 digits)")]
    InvalidMunicipalityCode(String),
    #[error("invalid region code {0:?} (expected 2 digits)")]
    InvalidRegionCode(String),
    #[error("duplicate municipality {0}")]
    DuplicateMunicipality(String),
    #[error("duplicate region {0}")]
    DuplicateRegion(String),
    #[error("municipality {municipality} is in region {region}, which does not exist")]
    UnknownRegion {
        municipality: String,
        region: String,
    },
    #[error("{place} has invalid coordinates")]
    InvalidCoordinates { place: String },
    #[error("the name {name:?} belongs to both {first} and {second}")]
    AmbiguousName {
        name: String,
        first: String,
        second: String,
    },
}

/// Lower-cases `name` and folds the diacritics that occur in Finnish and
/// Swedish place names (ä, å, ö and a few loan letters) to plain ASCII, and
/// collapses runs of whitespace: the key for name lookups.
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            out.push(match c {
                'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' => 'a',
                'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
                'ü' | 'ú' | 'ù' | 'û' => 'u',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'š' => 's',
                'ž' => 'z',
                'ç' => 'c',
                'ñ' => 'n',
                'ý' | 'ÿ' => 'y',
                other => other,
            });
        }
    }
    out
}

/// Great-circle distance in kilometres between two points given in degrees
/// (haversine formula on a sphere of radius [`EARTH_RADIUS_KM`]).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

fn is_digits(code: &str, len: usize) -> bool {
    code.len() == len && code.bytes().all(|b| b.is_ascii_digit())
}

fn valid_coordinates(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Adds every distinct folded name of one place to `index`; two places may
/// not share a name.
fn index_names(
    index: &mut HashMap<String, usize>,
    names: &[&str],
    position: usize,
    codes: impl Fn(usize) -> String,
) -> Result<(), GeographyError> {
    for name in names {
        let key = fold_name(name);
        if key.is_empty() {
            continue;
        }
        match index.get(&key) {
            Some(&other) if other != position => {
                return Err(GeographyError::AmbiguousName {
                    name: (*name).to_owned(),
                    first: codes(other),
                    second: codes(position),
                });
            }
            Some(_) => {}
            None => {
                index.insert(key, position);
            }
        }
    }
    Ok(())
}

/// All municipalities and regions, with lookups. Build it with
/// [`Geography::new`].
#[derive(Debug, Clone)]
pub struct Geography {
    /// Sorted by code.
    municipalities: Vec<Municipality>,
    municipality_by_code: HashMap<String, usize>,
    municipality_by_name: HashMap<String, usize>,
    /// Sorted by code.
    regions: Vec<Region>,
    region_by_code: HashMap<String, usize>,
    region_by_name: HashMap<String, usize>,
    /// Per region (same order as `regions`), its municipalities' positions.
    municipalities_of_region: Vec<Vec<usize>>,
}

impl Geography {
    /// Validates codes, coordinates and that every municipality's region
    /// exists, and builds the lookups. Two places whose names fold to the
    /// same key are an error, since a name lookup could not tell them apart.
    pub fn new(
        municipalities: Vec<Municipality>,
        regions: Vec<Region>,
    ) -> Result<Geography, GeographyError> {
        let mut regions = regions;
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        let mut region_by_code = HashMap::with_capacity(regions.len());
        let mut region_by_name = HashMap::new();
        for (i, region) in regions.iter().enumerate() {
            if !is_digits(&region.code, 2) {
                return Err(GeographyError::InvalidRegionCode(region.code.clone()));
            }
            if !valid_coordinates(region.lat, region.lon) {
                return Err(GeographyError::InvalidCoordinates {
                    place: format!("region {}", region.code),
                });
            }
            if region_by_code.insert(region.code.clone(), i).is_some() {
                return Err(GeographyError::DuplicateRegion(region.code.clone()));
            }
            index_names(
                &mut region_by_name,
                &[&region.name_fi, &region.name_sv, &region.name_en],
                i,
                |j| regions[j].code.clone(),
            )?;
        }

        let mut municipalities = municipalities;
        municipalities.sort_by(|a, b| a.code.cmp(&b.code));
        let mut municipality_by_code = HashMap::with_capacity(municipalities.len());
        let mut municipality_by_name = HashMap::with_capacity(municipalities.len() * 2);
        let mut municipalities_of_region = vec![Vec::new(); regions.len()];
        for (i, m) in municipalities.iter().enumerate() {
            if !is_digits(&m.code, 3) {
                return Err(GeographyError::InvalidMunicipalityCode(m.code.clone()));
            }
            if !valid_coordinates(m.lat, m.lon) {
                return Err(GeographyError::InvalidCoordinates {
                    place: format!("municipality {}", m.code),
                });
            }
            if municipality_by_code.insert(m.code.clone(), i).is_some() {
                return Err(GeographyError::DuplicateMunicipality(m.code.clone()));
            }
            let Some(&region) = region_by_code.get(&m.region_code) else {
                return Err(GeographyError::UnknownRegion {
                    municipality: m.code.clone(),
                    region: m.region_code.clone(),
                });
            };
            municipalities_of_region[region].push(i);
            index_names(
                &mut municipality_by_name,
                &[&m.name_fi, &m.name_sv],
                i,
                |j| municipalities[j].code.clone(),
            )?;
        }

        Ok(Geography {
            municipalities,
            municipality_by_code,
            municipality_by_name,
            regions,
            region_by_code,
            region_by_name,
            municipalities_of_region,
        })
    }

    pub fn municipality_count(&self) -> usize {
        self.municipalities.len()
    }

    pub fn region_count(&self) -> usize {
        self.regions.len()
    }

    /// The position of the municipality with this code in
    /// [`Self::municipalities`].
    pub fn municipality_index(&self, code: &str) -> Option<usize> {
        self.municipality_by_code.get(code).copied()
    }

    /// The municipality with this 3-digit code.
    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipality_by_code
            .get(code)
            .map(|&i| &self.municipalities[i])
    }

    /// The municipality whose Finnish or Swedish name is `name`, ignoring
    /// case, diacritics and extra whitespace.
    pub fn municipality_by_name(&self, name: &str) -> Option<&Municipality> {
        self.municipality_by_name
            .get(&fold_name(name))
            .map(|&i| &self.municipalities[i])
    }

    /// The region with this 2-digit code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.region_by_code.get(code).map(|&i| &self.regions[i])
    }

    /// The region whose Finnish, Swedish or English name is `name`, ignoring
    /// case, diacritics and extra whitespace.
    pub fn region_by_name(&self, name: &str) -> Option<&Region> {
        self.region_by_name
            .get(&fold_name(name))
            .map(|&i| &self.regions[i])
    }

    /// The region a municipality belongs to.
    pub fn region_of(&self, municipality_code: &str) -> Option<&Region> {
        self.municipality(municipality_code)
            .and_then(|m| self.region(&m.region_code))
    }

    /// The municipalities of a region, sorted by code; empty for an unknown
    /// region.
    pub fn municipalities_of_region(
        &self,
        region_code: &str,
    ) -> impl Iterator<Item = &Municipality> + '_ {
        self.region_by_code
            .get(region_code)
            .map(|&r| self.municipalities_of_region[r].as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.municipalities[i])
    }

    /// Great-circle distance between two municipalities' centroids, or `None`
    /// if either code is unknown.
    pub fn distance_km(&self, code_a: &str, code_b: &str) -> Option<f64> {
        let a = self.municipality(code_a)?;
        let b = self.municipality(code_b)?;
        Some(haversine_km(a.lat, a.lon, b.lat, b.lon))
    }

    /// All municipalities sorted by code.
    pub fn municipalities(&self) -> impl ExactSizeIterator<Item = &Municipality> + '_ {
        self.municipalities.iter()
    }

    /// All regions sorted by code.
    pub fn regions(&self) -> impl ExactSizeIterator<Item = &Region> + '_ {
        self.regions.iter()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn municipality(
        code: &str,
        fi: &str,
        sv: &str,
        region: &str,
        lat: f64,
        lon: f64,
    ) -> Municipality {
        Municipality {
            code: code.into(),
            name_fi: fi.into(),
            name_sv: sv.into(),
            name_en: fi.into(),
            region_code: region.into(),
            sub_region_code: format!("{region}1"),
            sub_region_name_fi: fi.into(),
            ely_code: "01".into(),
            ely_abbr: "UUD".into(),
            population: 1000,
            lat,
            lon,
        }
    }

    fn region(code: &str, fi: &str, sv: &str, en: &str) -> Region {
        Region {
            code: code.into(),
            name_fi: fi.into(),
            name_sv: sv.into(),
            name_en: en.into(),
            population: 10_000,
            lat: 61.0,
            lon: 24.0,
        }
    }

    fn sample() -> Geography {
        Geography::new(
            vec![
                municipality("837", "Tampere", "Tammerfors", "06", 61.62353, 23.8881),
                municipality("091", "Helsinki", "Helsingfors", "01", 60.21564, 25.01526),
                municipality(
                    "508",
                    "Mänttä-Vilppula",
                    "Mänttä-Vilppula",
                    "06",
                    62.0791,
                    24.40487,
                ),
                municipality("049", "Espoo", "Esbo", "01", 60.25, 24.66),
            ],
            vec![
                region("06", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
                region("01", "Uusimaa", "Nyland", "Uusimaa"),
                region("21", "Ahvenanmaa", "Åland", "Åland"),
            ],
        )
        .unwrap()
    }

    #[test]
    fn fold_name_ignores_case_diacritics_and_spacing() {
        assert_eq!(fold_name("  Mänttä-Vilppula "), "mantta-vilppula");
        assert_eq!(fold_name("ÅLAND"), "aland");
        assert_eq!(fold_name("Södra   Österbotten"), "sodra osterbotten");
    }

    #[test]
    fn lookups_by_code() {
        let g = sample();
        assert_eq!(g.municipality_count(), 4);
        assert_eq!(g.region_count(), 3);
        assert_eq!(g.municipality("091").unwrap().name_sv, "Helsingfors");
        assert!(g.municipality("999").is_none());
        assert_eq!(g.region("06").unwrap().name_sv, "Birkaland");
        assert_eq!(g.region_of("837").unwrap().code, "06");
        assert!(g.region_of("999").is_none());
    }

    #[test]
    fn lookups_by_name_in_finnish_and_swedish() {
        let g = sample();
        assert_eq!(g.municipality_by_name("helsinki").unwrap().code, "091");
        assert_eq!(g.municipality_by_name("Helsingfors").unwrap().code, "091");
        assert_eq!(g.municipality_by_name("TAMMERFORS").unwrap().code, "837");
        assert_eq!(
            g.municipality_by_name("Mantta-Vilppula").unwrap().code,
            "508"
        );
        assert!(g.municipality_by_name("Hel").is_none());
        assert_eq!(g.region_by_name("birkaland").unwrap().code, "06");
        assert_eq!(g.region_by_name("Aland").unwrap().code, "21");
        assert_eq!(g.region_by_name("Ahvenanmaa").unwrap().code, "21");
        assert!(g.region_by_name("Lappi").is_none());
    }

    #[test]
    fn municipalities_of_region_in_code_order() {
        let g = sample();
        let codes: Vec<_> = g
            .municipalities_of_region("06")
            .map(|m| m.code.as_str())
            .collect();
        assert_eq!(codes, ["508", "837"]);
        assert_eq!(g.municipalities_of_region("21").count(), 0);
        assert_eq!(g.municipalities_of_region("99").count(), 0);
    }

    #[test]
    fn iterators_are_sorted_by_code() {
        let g = sample();
        let codes: Vec<_> = g.municipalities().map(|m| m.code.as_str()).collect();
        assert_eq!(codes, ["049", "091", "508", "837"]);
        let codes: Vec<_> = g.regions().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["01", "06", "21"]);
    }

    #[test]
    fn distances() {
        let g = sample();
        let d = g.distance_km("091", "837").unwrap();
        assert!((d - 160.0).abs() < 15.0, "{d}");
        assert_eq!(g.distance_km("091", "091"), Some(0.0));
        assert_eq!(g.distance_km("091", "999"), None);
        // A quarter of a meridian.
        let quarter = haversine_km(0.0, 0.0, 90.0, 0.0);
        assert!((quarter - EARTH_RADIUS_KM * std::f64::consts::FRAC_PI_2).abs() < 1e-6);
        // Symmetric.
        assert_eq!(
            haversine_km(60.0, 25.0, 61.5, 23.8),
            haversine_km(61.5, 23.8, 60.0, 25.0)
        );
    }

    #[test]
    fn invalid_input_is_rejected() {
        let regions = || vec![region("01", "Uusimaa", "Nyland", "Uusimaa")];
        let unknown = Geography::new(
            vec![municipality(
                "837",
                "Tampere",
                "Tammerfors",
                "06",
                61.6,
                23.9,
            )],
            regions(),
        );
        assert_eq!(
            unknown.unwrap_err(),
            GeographyError::UnknownRegion {
                municipality: "837".into(),
                region: "06".into()
            }
        );
        let dup = Geography::new(
            vec![
                municipality("091", "Helsinki", "Helsingfors", "01", 60.2, 25.0),
                municipality("091", "Espoo", "Esbo", "01", 60.2, 24.7),
            ],
            regions(),
        );
        assert_eq!(
            dup.unwrap_err(),
            GeographyError::DuplicateMunicipality("091".into())
        );
        let bad_code = Geography::new(
            vec![municipality(
                "91",
                "Helsinki",
                "Helsingfors",
                "01",
                60.2,
                25.0,
            )],
            regions(),
        );
        assert_eq!(
            bad_code.unwrap_err(),
            GeographyError::InvalidMunicipalityCode("91".into())
        );
        let bad_coords = Geography::new(
            vec![municipality(
                "091",
                "Helsinki",
                "Helsingfors",
                "01",
                f64::NAN,
                25.0,
            )],
            regions(),
        );
        assert!(matches!(
            bad_coords,
            Err(GeographyError::InvalidCoordinates { .. })
        ));
        let ambiguous = Geography::new(
            vec![
                municipality("091", "Helsinki", "Helsingfors", "01", 60.2, 25.0),
                municipality("092", "Helsingfors", "Vanda", "01", 60.3, 25.0),
            ],
            regions(),
        );
        assert!(matches!(
            ambiguous,
            Err(GeographyError::AmbiguousName { .. })
        ));
        let dup_region = Geography::new(
            vec![],
            vec![region("01", "A", "A", "A"), region("01", "B", "B", "B")],
        );
        assert_eq!(
            dup_region.unwrap_err(),
            GeographyError::DuplicateRegion("01".into())
        );
    }
}
