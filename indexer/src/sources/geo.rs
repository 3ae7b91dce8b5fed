//! Finnish municipalities and regions from Statistics Finland style CSV
//! tables (`municipalities_2025.csv`, `regions_maakunnat.csv`).

use std::path::Path;

use matcher::geography::{Geography, Municipality, Region};

use super::files::{
    open_if_exists, open_path, pad_code, Column, CsvTable, SourceError, SourceFile,
};

const MUNICIPALITIES: &str = "municipalities_2025.csv";
const REGIONS: &str = "regions_maakunnat.csv";

/// Loads municipalities and regions from `dir`.
///
/// `municipalities_2025.csv` is read if present, else the alphabetically last
/// `municipalities*.csv[.gz]` (so `municipalities_2026.csv` is picked up);
/// likewise `regions_maakunnat.csv` or `regions*.csv[.gz]`. Codes that lost
/// their leading zeros in a spreadsheet (`20` for `020`) are padded back.
pub fn load_geography_dir(dir: &Path) -> Result<Geography, SourceError> {
    let regions = read_regions(find(dir, REGIONS, "regions")?)?;
    let municipalities = read_municipalities(find(dir, MUNICIPALITIES, "municipalities")?)?;
    Geography::new(municipalities, regions).map_err(|source| SourceError::Geography {
        dir: dir.to_owned(),
        source,
    })
}

/// Opens `exact` (plain or .gz), else the alphabetically last
/// `{prefix}*.csv[.gz]` in `dir`.
fn find(dir: &Path, exact: &str, prefix: &str) -> Result<SourceFile, SourceError> {
    if let Some(file) = open_if_exists(dir, exact)? {
        return Ok(file);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| SourceError::Io {
        file: dir.display().to_string(),
        source,
    })?;
    let mut candidates: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(prefix) && (n.ends_with(".csv") || n.ends_with(".csv.gz"))
            })
        })
        .collect();
    candidates.sort();
    match candidates.last() {
        Some(path) => open_path(path),
        None => Err(SourceError::Missing {
            file: format!("{exact} or {prefix}*.csv"),
            dir: dir.to_owned(),
        }),
    }
}

fn code(table: &CsvTable, column: Column, width: usize) -> Result<String, SourceError> {
    let value = pad_code(table.non_empty(column)?, width);
    if value.len() != width || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(table.error(format!("invalid {} {value:?}", column.name())));
    }
    Ok(value)
}

fn coordinate(
    table: &CsvTable,
    column: Column,
    range: std::ops::RangeInclusive<f64>,
) -> Result<f64, SourceError> {
    let value: f64 = table.parse(column)?;
    if !range.contains(&value) {
        return Err(table.error(format!("{} {value} out of range", column.name())));
    }
    Ok(value)
}

fn read_municipalities(source: SourceFile) -> Result<Vec<Municipality>, SourceError> {
    let mut table = CsvTable::open(source)?;
    let code_col = table.require(&["kunta_code"])?;
    let name_fi = table.require(&["name_fi"])?;
    let name_sv = table.require(&["name_sv"])?;
    let name_en = Column::optional(&table, &["name_en"]);
    let region = table.require(&["maakunta_code"])?;
    let sub_region = table.require(&["seutukunta_code"])?;
    let sub_region_name = table.require(&["seutukunta_fi"])?;
    let ely = table.require(&["ely_nro"])?;
    let ely_abbr = table.require(&["ely_abbr"])?;
    let population = table.require(&["population_2020", "population"])?;
    let lat = table.require(&["lat"])?;
    let lon = table.require(&["lon"])?;
    let mut municipalities = Vec::new();
    while table.next_record()? {
        let name_fi = table.non_empty(name_fi)?.to_owned();
        municipalities.push(Municipality {
            code: code(&table, code_col, 3)?,
            name_sv: table.non_empty(name_sv)?.to_owned(),
            name_en: table
                .optional(name_en)?
                .map_or_else(|| name_fi.clone(), str::to_owned),
            name_fi,
            region_code: code(&table, region, 2)?,
            sub_region_code: code(&table, sub_region, 3)?,
            sub_region_name_fi: table.get(sub_region_name)?.to_owned(),
            ely_code: pad_code(table.get(ely)?, 2),
            ely_abbr: table.get(ely_abbr)?.to_owned(),
            population: table.parse(population)?,
            lat: coordinate(&table, lat, -90.0..=90.0)?,
            lon: coordinate(&table, lon, -180.0..=180.0)?,
        });
    }
    Ok(municipalities)
}

fn read_regions(source: SourceFile) -> Result<Vec<Region>, SourceError> {
    let mut table = CsvTable::open(source)?;
    let code_col = table.require(&["maakunta_code"])?;
    let name_fi = table.require(&["name_fi"])?;
    let name_sv = table.require(&["name_sv"])?;
    let name_en = Column::optional(&table, &["name_en"]);
    let population = table.require(&["population_2020", "population"])?;
    let lat = table.require(&["lat"])?;
    let lon = table.require(&["lon"])?;
    let mut regions = Vec::new();
    while table.next_record()? {
        let name_fi = table.non_empty(name_fi)?.to_owned();
        regions.push(Region {
            code: code(&table, code_col, 2)?,
            name_sv: table.non_empty(name_sv)?.to_owned(),
            name_en: table
                .optional(name_en)?
                .map_or_else(|| name_fi.clone(), str::to_owned),
            name_fi,
            population: table.parse(population)?,
            lat: coordinate(&table, lat, -90.0..=90.0)?,
            lon: coordinate(&table, lon, -180.0..=180.0)?,
        });
    }
    Ok(regions)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::sources::files::{fixtures_dir, test_support::write};

    #[test]
    fn shipped_geography_loads() {
        let g = load_geography_dir(&fixtures_dir().join("geo")).unwrap();
        assert_eq!(g.municipality_count(), 308);
        assert_eq!(g.region_count(), 19);
        let helsinki = g.municipality("091").unwrap();
        assert_eq!(helsinki.name_sv, "Helsingfors");
        assert_eq!(helsinki.region_code, "01");
        assert_eq!(helsinki.ely_abbr, "UUD");
        assert!(helsinki.population > 600_000);
        let d = g.distance_km("091", "837").unwrap();
        assert!((d - 160.0).abs() <= 15.0, "Helsinki–Tampere {d} km");

        assert_eq!(g.municipality_by_name("helsinki").unwrap().code, "091");
        assert_eq!(g.municipality_by_name("Helsingfors").unwrap().code, "091");
        assert_eq!(g.municipality_by_name("Tammerfors").unwrap().code, "837");
        assert_eq!(g.municipality_by_name("Åbo").unwrap().name_fi, "Turku");
        assert_eq!(
            g.municipality_by_name("Mantta-Vilppula").unwrap().name_fi,
            "Mänttä-Vilppula"
        );
        assert_eq!(
            g.municipality_by_name("jakobstad").unwrap().name_fi,
            "Pietarsaari"
        );
        assert_eq!(g.region_by_name("Birkaland").unwrap().code, "06");
        assert_eq!(g.region_by_name("Lapland").unwrap().code, "19");
        assert_eq!(g.region_by_name("Åland").unwrap().name_fi, "Ahvenanmaa");
        assert_eq!(g.municipalities_of_region("06").count(), 22);
        let total: usize = g
            .regions()
            .map(|r| g.municipalities_of_region(&r.code).count())
            .sum();
        assert_eq!(total, 308);
    }

    const MUNICIPALITY_HEADER: &str = "kunta_code,name_fi,name_sv,name_en,maakunta_code,maakunta_fi,maakunta_sv,maakunta_en,seutukunta_code,seutukunta_fi,ely_nro,ely_abbr,elinvoimakeskus_nro,elinvoimakeskus_abbr,elinvoimakeskus_fi,hva_id,population_2020,lat,lon\n";
    const REGION_FILE: &str =
        "maakunta_code,name_fi,name_sv,name_en,population_2020,municipalities,lat,lon\n\
        1,Uusimaa,Nyland,Uusimaa,1702678,26,60.35898,24.7497\n";

    #[test]
    fn other_file_names_and_stripped_zeros_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "regions_2026.csv", REGION_FILE);
        write(
            dir.path(),
            "municipalities_2026.csv.gz",
            &format!(
                "{MUNICIPALITY_HEADER}91,Helsinki,Helsingfors,Helsinki,1,Uusimaa,Nyland,Uusimaa,11,Helsinki,1,UUD,1,UUD,x,,656920,60.21564,25.01526\n"
            ),
        );
        let g = load_geography_dir(dir.path()).unwrap();
        let helsinki = g.municipality("091").unwrap();
        assert_eq!(helsinki.region_code, "01");
        assert_eq!(helsinki.sub_region_code, "011");
        assert_eq!(helsinki.ely_code, "01");
    }

    fn error_for(municipalities: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "regions_maakunnat.csv", REGION_FILE);
        write(dir.path(), "municipalities_2025.csv", municipalities);
        load_geography_dir(dir.path()).unwrap_err().to_string()
    }

    #[test]
    fn malformed_files_are_rejected_naming_file_and_line() {
        let ok = "091,Helsinki,Helsingfors,Helsinki,01,Uusimaa,Nyland,Uusimaa,011,Helsinki,01,UUD,01,UUD,x,,656920,60.21564,25.01526\n";
        let err = error_for(&format!(
            "{MUNICIPALITY_HEADER}{ok}049,Espoo,Esbo,Espoo,01,Uusimaa,Nyland,Uusimaa,011,Helsinki,01,UUD,01,UUD,x,,1,north,24.6\n"
        ));
        assert_eq!(err, "municipalities_2025.csv line 3: invalid lat \"north\"");
        let err = error_for(&format!(
            "{MUNICIPALITY_HEADER}{ok}04x,Espoo,Esbo,Espoo,01,Uusimaa,Nyland,Uusimaa,011,Helsinki,01,UUD,01,UUD,x,,1,60.2,24.6\n"
        ));
        assert_eq!(
            err,
            "municipalities_2025.csv line 3: invalid kunta_code \"04x\""
        );
        let err = error_for(&format!(
            "{MUNICIPALITY_HEADER}{ok}049,Espoo,Esbo,Espoo,01,Uusimaa,Nyland,Uusimaa,011,Helsinki,01,UUD,01,UUD,x,,1,160.2,24.6\n"
        ));
        assert_eq!(
            err,
            "municipalities_2025.csv line 3: lat 160.2 out of range"
        );
        let err = error_for(&format!(
            "{MUNICIPALITY_HEADER}{ok}837,Tampere,Tammerfors,Tampere,06,P,B,P,064,Tampere,05,PIR,04,SIS,x,PI,241009,61.6,23.9\n"
        ));
        assert!(
            err.contains("municipality 837 is in region 06, which does not exist"),
            "{err}"
        );
        let err = error_for("kunta_code,name_fi\n091,Helsinki\n");
        assert_eq!(
            err,
            "municipalities_2025.csv line 1: missing column name_sv in the header"
        );
    }

    #[test]
    fn missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "regions_maakunnat.csv", REGION_FILE);
        let err = load_geography_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with("municipalities_2025.csv or municipalities*.csv: not found"),
            "{err}"
        );
    }
}
