//! The boundaries the map draws: Statistics Finland's regions and
//! municipalities of 2025 generalised at 1:4,500,000
//! (`fixtures/geo/*_4500k.geojson*`, CC BY 4.0), built into the binary and
//! projected to ETRS-TM35FIN, the plane Statistics Finland draws Finland in.

use std::collections::BTreeMap;
use std::io::Read;

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// ETRS-TM35FIN easting and northing, in metres.
pub type Point = (f64, f64);

/// An outer ring followed by its holes; a ring does not repeat its first
/// point.
pub type Polygon = Vec<Vec<Point>>;

/// The region and municipality boundaries, by Statistics Finland code.
#[derive(Debug)]
pub struct Boundaries {
    /// Region (maakunta) code, e.g. `"01"` → its polygons.
    pub regions: BTreeMap<String, Vec<Polygon>>,
    /// Municipality code, e.g. `"091"` → its polygons.
    pub municipalities: BTreeMap<String, Vec<Polygon>>,
}

/// Why the built-in boundaries could not be read (a broken build, never
/// the caller's doing).
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    #[error("{file}: cannot decompress: {source}")]
    Compressed {
        file: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: not the expected GeoJSON: {source}")]
    Json {
        file: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

const REGIONS_FILE: &str = "regions_2025_4500k.geojson";
const REGIONS: &[u8] = include_bytes!("../../../fixtures/geo/regions_2025_4500k.geojson");
const MUNICIPALITIES_FILE: &str = "municipalities_2025_4500k.geojson.gz";
const MUNICIPALITIES: &[u8] =
    include_bytes!("../../../fixtures/geo/municipalities_2025_4500k.geojson.gz");

impl Boundaries {
    /// The boundaries shipped in `fixtures/geo`.
    pub fn shipped() -> Result<Boundaries, BoundaryError> {
        let mut municipalities = String::new();
        flate2::read::GzDecoder::new(MUNICIPALITIES)
            .read_to_string(&mut municipalities)
            .map_err(|source| BoundaryError::Compressed {
                file: MUNICIPALITIES_FILE,
                source,
            })?;
        Ok(Boundaries {
            regions: by_code(REGIONS_FILE, REGIONS, |p: RegionProperties| p.maakunta)?,
            municipalities: by_code(
                MUNICIPALITIES_FILE,
                municipalities.as_bytes(),
                |p: MunicipalityProperties| p.kunta,
            )?,
        })
    }
}

#[derive(Deserialize)]
struct FeatureCollection<P> {
    features: Vec<Feature<P>>,
}

#[derive(Deserialize)]
struct Feature<P> {
    properties: P,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct RegionProperties {
    maakunta: String,
}

#[derive(Deserialize)]
struct MunicipalityProperties {
    kunta: String,
}

/// The GeoJSON geometries an area can have: positions are longitude,
/// latitude (CRS84).
#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

impl Geometry {
    fn projected(self) -> Vec<Polygon> {
        let polygons = match self {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(ps) => ps,
        };
        polygons
            .into_iter()
            .map(|rings| {
                rings
                    .into_iter()
                    .map(|mut ring| {
                        if ring.len() > 1 && ring.first() == ring.last() {
                            ring.pop();
                        }
                        ring.into_iter()
                            .map(|[lon, lat]| tm35fin(lon, lat))
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }
}

/// The features of a GeoJSON collection, projected, by the code `code`
/// reads from their properties.
fn by_code<P: DeserializeOwned>(
    file: &'static str,
    text: &[u8],
    code: impl Fn(P) -> String,
) -> Result<BTreeMap<String, Vec<Polygon>>, BoundaryError> {
    let collection: FeatureCollection<P> =
        serde_json::from_slice(text).map_err(|source| BoundaryError::Json { file, source })?;
    Ok(collection
        .features
        .into_iter()
        .map(|f| (code(f.properties), f.geometry.projected()))
        .collect())
}

/// ETRS-TM35FIN (EPSG:3067): transverse Mercator on the GRS80 ellipsoid,
/// central meridian 27°E, scale 0.9996, false easting 500 km; Krüger's
/// series as in the Finnish public-administration recommendation JHS 154
/// (millimetre accuracy across Finland).
pub fn tm35fin(lon: f64, lat: f64) -> Point {
    const A: f64 = 6_378_137.0;
    const F: f64 = 1.0 / 298.257_222_101;
    const K0: f64 = 0.9996;
    const FALSE_EASTING: f64 = 500_000.0;
    let n = F / (2.0 - F);
    let e = (F * (2.0 - F)).sqrt();
    let a1 = A / (1.0 + n) * (1.0 + n.powi(2) / 4.0 + n.powi(4) / 64.0);
    let h = [
        n / 2.0 - 2.0 / 3.0 * n.powi(2) + 5.0 / 16.0 * n.powi(3) + 41.0 / 180.0 * n.powi(4),
        13.0 / 48.0 * n.powi(2) - 3.0 / 5.0 * n.powi(3) + 557.0 / 1440.0 * n.powi(4),
        61.0 / 240.0 * n.powi(3) - 103.0 / 140.0 * n.powi(4),
        49561.0 / 161_280.0 * n.powi(4),
    ];
    let (phi, lambda) = (lat.to_radians(), (lon - 27.0).to_radians());
    let q = phi.tan().asinh() - e * (e * phi.sin()).atanh();
    let beta = q.sinh().atan();
    let eta0 = (beta.cos() * lambda.sin()).atanh();
    let xi0 = (beta.sin() * eta0.cosh()).asin();
    let (mut xi, mut eta) = (xi0, eta0);
    for (j, hj) in (1..).zip(h) {
        let k = 2.0 * f64::from(j);
        xi += hj * (k * xi0).sin() * (k * eta0).cosh();
        eta += hj * (k * xi0).cos() * (k * eta0).sinh();
    }
    (FALSE_EASTING + K0 * a1 * eta, K0 * a1 * xi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(got: Point, want: Point) {
        assert!(
            (got.0 - want.0).abs() < 1.0 && (got.1 - want.1).abs() < 1.0,
            "{got:?} ≠ {want:?}"
        );
    }

    // Expected values from an independent computation: the meridian arc
    // integrated numerically, and Snyder's series (USGS PP 1395) off the
    // central meridian.
    #[test]
    fn tm35fin_agrees_with_an_independent_computation() {
        near(tm35fin(27.0, 0.0), (500_000.0, 0.0));
        near(tm35fin(27.0, 60.0), (500_000.0, 6_651_411.19));
        near(tm35fin(24.9384, 60.1699), (385_611.32, 6_672_118.38));
        near(tm35fin(21.0, 69.0), (260_360.81, 7_666_089.70));
    }

    #[test]
    fn the_shipped_boundaries_are_19_regions_and_308_municipalities() {
        let b = Boundaries::shipped().unwrap();
        assert_eq!(b.regions.len(), 19);
        assert_eq!(b.municipalities.len(), 308);
        assert!(b.regions.contains_key("01") && b.municipalities.contains_key("091"));
        // Kauniainen lies inside Espoo: Espoo's polygon has a hole.
        assert!(b.municipalities["049"].iter().any(|p| p.len() > 1));
    }
}
