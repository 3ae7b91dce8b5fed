//! The map of Finland at `/ui/map.svg`: the 19 regions, or with
//! `?level=municipality` the 308 municipalities under the region borders,
//! drawn from the built-in [`Boundaries`] in ETRS-TM35FIN. Every area is
//! one `path` carrying its code and names for the UI to colour and label.

use std::fmt::Write as _;

use matcher::geography::Geography;
use serde::Deserialize;

use super::boundaries::{tm35fin, Boundaries, Point, Polygon};

/// What CC BY 4.0 asks of whoever shows the boundaries.
pub const ATTRIBUTION: &str =
    "Source: Statistics Finland (boundaries 1:4,500,000, 2025), CC BY 4.0";

/// Metres of the plane per pixel of the drawing.
const METRES_PER_PX: f64 = 2000.0;
/// Margin around the drawing, in pixels.
const MARGIN: f64 = 6.0;
/// The band under the drawing that holds the attribution, in pixels.
const FOOTER: f64 = 10.0;

/// The areas a map is drawn by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapLevel {
    #[default]
    Region,
    Municipality,
}

/// The names an area is drawn with.
struct Area<'a> {
    class: &'static str,
    /// `data-…` attributes: the area's codes.
    codes: &'a [(&'static str, &'a str)],
    names: [&'a str; 3],
}

/// The map at `level`: one `path` per area with its codes (`data-region`,
/// and `data-municipality` on a municipality), its names in three
/// languages (`data-name-fi`, `-sv`, `-en`) and a `<title>`, region labels
/// at the region centroids and the attribution. An area without a
/// boundary is left out.
pub fn map_svg(geography: &Geography, boundaries: &Boundaries, level: MapLevel) -> String {
    let frame = Frame::around(boundaries.regions.values().flatten());
    let title = match level {
        MapLevel::Region => "Suomen maakunnat",
        MapLevel::Municipality => "Suomen kunnat",
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"map\" viewBox=\"0 0 {w:.0} {h:.0}\" \
         width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-labelledby=\"map-title\">\
         <title id=\"map-title\">{title}</title><desc>{ATTRIBUTION}</desc>",
        w = frame.width,
        h = frame.height,
    );
    match level {
        MapLevel::Region => {
            svg.push_str("<g class=\"regions\" fill-rule=\"evenodd\">");
            for r in geography.regions() {
                let area = Area {
                    class: "region",
                    codes: &[("region", &r.code)],
                    names: [&r.name_fi, &r.name_sv, &r.name_en],
                };
                if let Some(polygons) = boundaries.regions.get(&r.code) {
                    area.write(&mut svg, &frame.path(polygons));
                }
            }
            svg.push_str("</g>");
        }
        MapLevel::Municipality => {
            svg.push_str("<g class=\"municipalities\" fill-rule=\"evenodd\">");
            for m in geography.municipalities() {
                let area = Area {
                    class: "municipality",
                    codes: &[("municipality", &m.code), ("region", &m.region_code)],
                    names: [&m.name_fi, &m.name_sv, &m.name_en],
                };
                if let Some(polygons) = boundaries.municipalities.get(&m.code) {
                    area.write(&mut svg, &frame.path(polygons));
                }
            }
            let borders: Vec<&Polygon> = boundaries.regions.values().flatten().collect();
            let _ = write!(
                svg,
                "</g><path class=\"region-borders\" aria-hidden=\"true\" d=\"{}\"/>",
                frame.path(borders)
            );
        }
    }
    svg.push_str("<g class=\"region-labels\" aria-hidden=\"true\">");
    for r in geography.regions() {
        let (x, y) = frame.pixel(tm35fin(r.lon, r.lat));
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" data-region=\"{}\">{}</text>",
            Tenths(x),
            Tenths(y),
            escape(&r.code),
            escape(&r.name_fi)
        );
    }
    let _ = write!(
        svg,
        "</g><text class=\"attribution\" x=\"{:.0}\" y=\"{:.0}\" font-size=\"6\" \
         text-anchor=\"end\">{ATTRIBUTION}</text></svg>",
        frame.width - MARGIN,
        frame.height - MARGIN / 2.0,
    );
    svg
}

impl Area<'_> {
    fn write(&self, svg: &mut String, d: &str) {
        let _ = write!(svg, "<path class=\"{}\"", self.class);
        for (name, code) in self.codes {
            let _ = write!(svg, " data-{name}=\"{}\"", escape(code));
        }
        let [fi, sv, en] = self.names.map(escape);
        let _ = write!(
            svg,
            " data-name-fi=\"{fi}\" data-name-sv=\"{sv}\" data-name-en=\"{en}\" d=\"{d}\">\
             <title>{fi}</title></path>"
        );
    }
}

/// Where the plane lands on the drawing: north up, [`METRES_PER_PX`].
struct Frame {
    min_east: f64,
    max_north: f64,
    width: f64,
    height: f64,
}

impl Frame {
    /// The frame around `polygons` with a [`MARGIN`] and the [`FOOTER`].
    fn around<'a>(polygons: impl Iterator<Item = &'a Polygon>) -> Frame {
        let (mut min_e, mut max_e, mut min_n, mut max_n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(e, n) in polygons.flatten().flatten() {
            min_e = min_e.min(e);
            max_e = max_e.max(e);
            min_n = min_n.min(n);
            max_n = max_n.max(n);
        }
        Frame {
            min_east: min_e,
            max_north: max_n,
            width: (2.0 * MARGIN + (max_e - min_e) / METRES_PER_PX).ceil(),
            height: (2.0 * MARGIN + FOOTER + (max_n - min_n) / METRES_PER_PX).ceil(),
        }
    }

    /// A point of the plane on the drawing, in tenths of a pixel.
    fn pixel(&self, (east, north): Point) -> (i64, i64) {
        let tenths = |px: f64| (px * 10.0).round() as i64;
        (
            tenths(MARGIN + (east - self.min_east) / METRES_PER_PX),
            tenths(MARGIN + (self.max_north - north) / METRES_PER_PX),
        )
    }

    /// SVG path data of `polygons`: one closed subpath per ring, to the
    /// tenth of a pixel, without repeated points or rings too small to
    /// see.
    fn path<'a>(&self, polygons: impl IntoIterator<Item = &'a Polygon>) -> String {
        let mut d = String::new();
        for ring in polygons.into_iter().flatten() {
            let mut points: Vec<(i64, i64)> = ring.iter().map(|&p| self.pixel(p)).collect();
            points.dedup();
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 {
                continue;
            }
            d.push('M');
            for (i, (x, y)) in points.into_iter().enumerate() {
                let sep = if i == 0 { "" } else { " " };
                let _ = write!(d, "{sep}{} {}", Tenths(x), Tenths(y));
            }
            d.push('Z');
        }
        d
    }
}

/// A length in tenths of a pixel, written as pixels (`123.4`, `120`).
struct Tenths(i64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, tenth) = (self.0.abs() / 10, self.0.abs() % 10);
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

/// Text safe inside XML content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn geography() -> Geography {
        indexer::sources::load_geography_dir(&indexer::sources::fixtures_dir().join("geo")).unwrap()
    }

    /// The shipped geography and its map at `level`.
    fn drawn(level: MapLevel) -> (Geography, String) {
        let g = geography();
        let svg = map_svg(&g, &Boundaries::shipped().unwrap(), level);
        (g, svg)
    }

    /// The values of attribute `name` on the `path` elements that have it.
    fn attribute<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
        svg.split("<path ")
            .skip(1)
            .filter_map(|p| {
                let tag = &p[..p.find('>').unwrap()];
                let value = tag.split(&format!(" {name}=\"")).nth(1)?;
                value.split('"').next()
            })
            .collect()
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let v = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let mut wh = v.split('"').next().unwrap().split(' ');
        let mut next = || wh.next().unwrap().parse::<f64>().unwrap();
        (next(), next())
    }

    /// Every coordinate of every path lies inside the view box.
    fn assert_inside(svg: &str) {
        let (width, height) = view_box(svg);
        for d in attribute(svg, "d") {
            let numbers: Vec<f64> = d
                .split(['M', 'Z', ' '])
                .filter(|n| !n.is_empty())
                .map(|n| n.parse().unwrap())
                .collect();
            assert!(numbers.len() >= 6 && numbers.len().is_multiple_of(2), "{d}");
            for xy in numbers.chunks(2) {
                assert!((0.0..=width).contains(&xy[0]), "x {} in 0–{width}", xy[0]);
                assert!((0.0..=height).contains(&xy[1]), "y {} in 0–{height}", xy[1]);
            }
        }
    }

    #[test]
    fn the_region_map_has_a_path_per_region_of_the_geography() {
        let (g, svg) = drawn(MapLevel::Region);
        let codes = attribute(&svg, "data-region");
        assert_eq!(codes.len(), 19);
        let expected: BTreeSet<&str> = g.regions().map(|r| r.code.as_str()).collect();
        assert_eq!(codes.into_iter().collect::<BTreeSet<_>>(), expected);
        assert!(svg.contains("data-name-sv=\"Nyland\""));
        assert!(svg.contains("<title>Lappi</title>"));
        assert!(attribute(&svg, "data-municipality").is_empty());
        assert_inside(&svg);
        assert!(svg.contains(&format!("<desc>{ATTRIBUTION}</desc>")));
        assert!(svg.contains(&format!(">{ATTRIBUTION}</text>")));
    }

    #[test]
    fn every_municipality_has_a_boundary_and_every_boundary_a_municipality() {
        let g = geography();
        let b = Boundaries::shipped().unwrap();
        let shipped: BTreeSet<&str> = g.municipalities().map(|m| m.code.as_str()).collect();
        let drawn: BTreeSet<&str> = b.municipalities.keys().map(String::as_str).collect();
        assert_eq!(shipped, drawn);
        let regions: BTreeSet<&str> = g.regions().map(|r| r.code.as_str()).collect();
        let drawn: BTreeSet<&str> = b.regions.keys().map(String::as_str).collect();
        assert_eq!(regions, drawn);
    }

    #[test]
    fn the_municipality_map_has_a_path_per_municipality_under_the_region_borders() {
        let (g, svg) = drawn(MapLevel::Municipality);
        let codes = attribute(&svg, "data-municipality");
        assert_eq!(codes.len(), 308);
        assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), 308);
        // Each municipality carries its region: Espoo is in Uusimaa.
        let regions = attribute(&svg, "data-region");
        for (m, r) in codes.iter().zip(&regions) {
            assert_eq!(g.municipality(m).unwrap().region_code, *r, "{m}");
        }
        assert_eq!(regions.len(), 308);
        assert!(svg.contains("data-municipality=\"049\" data-region=\"01\""));
        assert!(svg.contains("<title>Espoo</title>"));
        let borders = svg.find("class=\"region-borders\"").unwrap();
        assert!(borders > svg.rfind("class=\"municipality\"").unwrap());
        assert_inside(&svg);
        assert!(svg.contains(ATTRIBUTION));
    }

    #[test]
    fn path_data_is_rounded_without_repeated_points() {
        let frame = Frame {
            min_east: 0.0,
            max_north: 100_000.0,
            width: 100.0,
            height: 100.0,
        };
        // The second point rounds onto the first; the ring closes itself.
        let square: Polygon = vec![vec![
            (0.0, 100_000.0),
            (10.0, 100_000.0),
            (20_000.0, 100_000.0),
            (20_000.0, 80_000.0),
            (0.0, 100_000.0),
        ]];
        assert_eq!(frame.path([&square]), "M6 6 16 6 16 16Z");
        let tiny: Polygon = vec![vec![(0.0, 100_000.0), (50.0, 100_000.0), (0.0, 99_950.0)]];
        assert_eq!(frame.path([&tiny]), "");
        assert_eq!(Tenths(1234).to_string(), "123.4");
        assert_eq!(Tenths(-5).to_string(), "-0.5");
    }
}
