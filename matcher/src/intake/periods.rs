//! How long a job lasted, as CVs write it: year ranges ("2015–2018",
//! "03/2019 – 08/2021", "2019 – nykyään", "2020–present", "2018 – nu"),
//! beginnings ("vuodesta 2019", "sedan 2020", "since 2021", "2020 lähtien")
//! and durations ("5 vuotta", "3 år", "2 years", "6 kk", "puoli vuotta").

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

/// A period found in a line: its byte range and length in years.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub span: Range<usize>,
    pub years: f64,
    /// A range or a beginning with its year, not a stated duration.
    pub dated: bool,
}

const NOW_WORDS: &str = "nyt|nykyään|nykyaan|nykyisin|tähän asti|tahan asti|jatkuu|present|now|current|today|ongoing|nu|idag|pågående|fortfarande";

/// A month before a year: "03/2019", "3.2019", "Jan 2022", "tammikuu 2020",
/// "maalis 2019", "januari 2018".
const MONTH: &str = r"(?:\b(\d{1,2})\s*[./]\s*|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|maj|okt|tammi|helmi|maalis|huhti|touko|kesä|heinä|elo|syys|loka|marras|joulu)\p{L}*\.?\s+)?";

#[allow(clippy::expect_used)] // constant patterns, compiled in the tests
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i){MONTH}\b((?:19|20)\d{{2}})\s*(?:-|–|—|→|to\b|till\b|asti\b)\s*(?:{MONTH}((?:19|20)\d{{2}})\b|({NOW_WORDS})\b|(\s*$|\s*[,|)\]·]|\s+))"
    ))
    .expect("range pattern")
});

/// The month (1–12) of a month word or number.
fn month_of(number: Option<&str>, word: Option<&str>) -> Option<u32> {
    if let Some(n) = number {
        return n.parse().ok().filter(|m| (1..=12).contains(m));
    }
    let word = word?.to_lowercase();
    const NAMES: &[(&str, u32)] = &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("maj", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("okt", 10),
        ("nov", 11),
        ("dec", 12),
        ("tammi", 1),
        ("helmi", 2),
        ("maalis", 3),
        ("huhti", 4),
        ("touko", 5),
        ("kesä", 6),
        ("heinä", 7),
        ("elo", 8),
        ("syys", 9),
        ("loka", 10),
        ("marras", 11),
        ("joulu", 12),
    ];
    NAMES.iter().find(|(n, _)| word == *n).map(|(_, m)| *m)
}

#[allow(clippy::expect_used)]
static SINCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:vuodesta|vuoden|alkaen|since|sedan|från|from|syksystä|keväästä|kesästä|talvesta)\s+((?:19|20)\d{2})\b|\b((?:19|20)\d{2})\s*(?:lähtien|lahtien|alkaen|och framåt|onwards)",
    )
    .expect("since pattern")
});

#[allow(clippy::expect_used)]
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,2}(?:[.,]\d)?|puoli|half|halvt|ett halvt|yksi|kaksi|kolme|neljä|viisi|kuusi|seitsemän|kahdeksan|yhdeksän|kymmenen|one|two|three|four|five|six|seven|eight|nine|ten|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio)\s*(?:\+\s*)?(vuotta|vuoden|vuosi|v\.|v\b|år|years?|yrs?|kk|kuukautta|kuukauden|kuukausi|mån|månader|månad|months?)(?:\b|\s|$)",
    )
    .expect("duration pattern")
});

fn number(word: &str) -> Option<f64> {
    let word = word.to_lowercase();
    let n = match word.as_str() {
        "puoli" | "half" | "halvt" | "ett halvt" => 0.5,
        "yksi" | "one" | "ett" => 1.0,
        "kaksi" | "two" | "två" => 2.0,
        "kolme" | "three" | "tre" => 3.0,
        "neljä" | "four" | "fyra" => 4.0,
        "viisi" | "five" | "fem" => 5.0,
        "kuusi" | "six" | "sex" => 6.0,
        "seitsemän" | "seven" | "sju" => 7.0,
        "kahdeksan" | "eight" | "åtta" => 8.0,
        "yhdeksän" | "nine" | "nio" => 9.0,
        "kymmenen" | "ten" | "tio" => 10.0,
        digits => digits.replace(',', ".").parse().ok()?,
    };
    Some(n)
}

/// A moment as a fractional year: the start of `month` (1–12) of `year`,
/// or of the year when no month is given.
fn moment(year: &str, month: Option<u32>) -> Option<f64> {
    let y: f64 = year.parse().ok()?;
    let m = f64::from(month.unwrap_or(1));
    Some(y + (m - 1.0) / 12.0)
}

fn today_as_year(today: NaiveDate) -> f64 {
    f64::from(today.year()) + f64::from(today.month0()) / 12.0
}

/// Round to a tenth of a year.
fn tenth(years: f64) -> f64 {
    (years * 10.0).round() / 10.0
}

/// The periods `line` gives, in line order, non-overlapping. `today`
/// closes open ranges.
pub fn periods(line: &str, today: NaiveDate) -> Vec<Period> {
    let now = today_as_year(today);
    let mut out: Vec<Period> = Vec::new();
    for c in RANGE.captures_iter(line) {
        let Some(whole) = c.get(0) else { continue };
        let text = |i: usize| c.get(i).map(|m| m.as_str());
        let Some(from_year) = text(3) else { continue };
        let from_month = month_of(text(1), text(2));
        if (text(1).is_some() || text(2).is_some()) && from_month.is_none() {
            continue;
        }
        let Some(from) = moment(from_year, from_month) else {
            continue;
        };
        let to_month = month_of(text(4), text(5));
        let to = match (text(6), to_month) {
            // An end month counts whole: 03/2019–08/2021 is 2 years 6 months.
            (Some(y), Some(m)) => moment(y, Some(m)).map(|t| t + 1.0 / 12.0),
            // Year to year: 2015–2018 is three years (CVs mean the span).
            (Some(y), None) => moment(y, None),
            _ => Some(now),
        };
        let Some(to) = to else { continue };
        if to >= from && to - from <= 60.0 {
            out.push(Period {
                span: whole.start()..whole.end(),
                years: tenth((to - from).max(0.1)),
                dated: true,
            });
        }
    }
    for c in SINCE.captures_iter(line) {
        let Some(whole) = c.get(0) else { continue };
        if out
            .iter()
            .any(|p| p.span.start < whole.end() && whole.start() < p.span.end)
        {
            continue;
        }
        let Some(year) = c.get(1).or_else(|| c.get(2)) else {
            continue;
        };
        if let Some(from) = moment(year.as_str(), None) {
            if now >= from {
                out.push(Period {
                    span: whole.start()..whole.end(),
                    years: tenth((now - from).max(0.1)),
                    dated: true,
                });
            }
        }
    }
    for c in DURATION.captures_iter(line) {
        let Some(whole) = c.get(0) else { continue };
        if out
            .iter()
            .any(|p| p.span.start < whole.end() && whole.start() < p.span.end)
        {
            continue;
        }
        let (Some(n), Some(unit)) = (c.get(1).and_then(|n| number(n.as_str())), c.get(2)) else {
            continue;
        };
        let unit = unit.as_str().to_lowercase();
        let months = [
            "kk",
            "kuukautta",
            "kuukauden",
            "kuukausi",
            "mån",
            "månader",
            "månad",
        ]
        .contains(&unit.as_str())
            || unit.starts_with("month");
        let years = if months { n / 12.0 } else { n };
        if years > 0.0 && years <= 60.0 {
            out.push(Period {
                span: whole.start()..whole.end(),
                years: tenth(years),
                dated: false,
            });
        }
    }
    out.sort_by_key(|p| p.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years(line: &str) -> Vec<f64> {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        periods(line, today).iter().map(|p| p.years).collect()
    }

    #[test]
    fn patterns_compile() {
        assert!(RANGE.is_match("2015-2018"));
        assert!(SINCE.is_match("vuodesta 2019"));
        assert!(DURATION.is_match("5 vuotta"));
    }

    #[test]
    fn ranges_in_the_styles_cvs_use() {
        assert_eq!(years("Hitsaaja, Konepaja Oy 2015–2018"), vec![3.0]);
        assert_eq!(years("03/2019 – 08/2021 varastotyöntekijä"), vec![2.5]);
        assert_eq!(years("2020 - nykyään lähihoitaja"), vec![6.9]);
        assert_eq!(years("Lagerarbetare 2018 – nu"), vec![8.9]);
        assert_eq!(years("Developer (2021-present)"), vec![5.9]);
        assert_eq!(years("Kokki 2019-"), vec![7.9]);
        assert_eq!(years("2022– karjanhoitaja"), vec![4.9]);
        assert_eq!(years("Aug 2017 – Dec 2021 · Espoo"), vec![4.4]);
        assert_eq!(years("Jan 2022 – Present · Helsinki"), vec![4.9]);
        assert_eq!(years("maaliskuu 2019 – elokuu 2021"), vec![2.5]);
    }

    #[test]
    fn beginnings_and_durations() {
        assert_eq!(years("vuodesta 2022 siivooja"), vec![4.9]);
        assert_eq!(years("olen toiminut hitsarina 10 vuotta"), vec![10.0]);
        assert_eq!(years("3 år som busschaufför"), vec![3.0]);
        assert_eq!(years("six months as a cleaner"), vec![0.5]);
        assert_eq!(years("puoli vuotta kaupan kassalla"), vec![0.5]);
        assert_eq!(years("6 kk"), vec![0.5]);
    }

    #[test]
    fn a_lone_year_or_a_phone_number_is_no_period() {
        assert!(years("Datanomi 2015").is_empty());
        assert!(years("puh. 040 123 4567").is_empty());
    }
}
