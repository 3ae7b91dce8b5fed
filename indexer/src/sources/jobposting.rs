//! schema.org `JobPosting` in JSON-LD, as employers, job boards and
//! applicant-tracking systems publish it: parsing a feed document into
//! postings, and turning one posting into a [`VacancyDraft`].
//!
//! A document may be a single `JobPosting`, an array, an `ItemList` (whose
//! elements are postings or `ListItem { item }`), a JSON-LD `@graph`, or an
//! HTML page carrying any of these in `<script type="application/ld+json">`
//! blocks. Nodes may refer to each other by `@id` (an `hiringOrganization`
//! given once in the graph and referenced from every posting).
//!
//! Every posting is checked on its own: [`parse_document`] fails only when the
//! document as a whole cannot be read, and otherwise returns one
//! [`ParsedItem`] per posting, each either a [`JobPosting`] or the reason it
//! was refused. A block that strict JSON rejects gets a second, lenient
//! pass ([`lenient_json`]); its postings carry the repairs that made it
//! readable. `docs/feeds.md` lists the field mapping.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound};
use matcher::domain::{
    ContractType, OrgId, RemoteMode, SkillImportance, SkillRef, VacancyDraft, VacancySkill,
    VacancyStatus, Visibility, WorkTime, MAX_LIST_ITEMS, MAX_TEXT_CHARS, MAX_TITLE_CHARS,
};
use matcher::geography::{fold_name, Geography};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub use super::entities::decode_entities;
use super::entities::decode_entity;
use super::lenient_json::{self, Repair};

/// Hours in a working month, to turn an hourly wage into a monthly one
/// (the usual Finnish full-time month is 160 h).
pub const HOURS_PER_MONTH: f64 = 160.0;

/// The document as a whole cannot be read: not JSON, no JSON-LD in an HTML
/// page, or JSON that is not JSON-LD at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct DocumentError {
    pub reason: String,
}

fn document_error(reason: impl Into<String>) -> DocumentError {
    DocumentError {
        reason: reason.into(),
    }
}

/// One posting found in a document, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedItem {
    /// 0-based position among the postings of the document.
    pub index: usize,
    /// The posting's own identifier, when it has one that could be read.
    pub identifier: Option<String>,
    /// The posting, or why it was refused.
    pub posting: Result<JobPosting, String>,
    /// What the lenient pass repaired in the JSON the posting was read
    /// from; empty when that was valid JSON.
    pub repairs: Vec<Repair>,
}

/// A posting as read from the feed: text cleaned, codes recognised, salary
/// in monthly euros; places not yet mapped to municipalities.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPosting {
    pub identifier: Option<String>,
    pub url: Option<String>,
    pub title: String,
    /// Plain text: tags removed, entities decoded, paragraphs kept as blank
    /// lines, cut at [`MAX_TEXT_CHARS`].
    pub description: String,
    /// `datePosted` as written (only used to derive an id).
    pub date_posted: Option<String>,
    /// `validThrough` in UTC.
    pub valid_through: Option<NaiveDateTime>,
    pub start_date: Option<NaiveDate>,
    pub work_time: WorkTime,
    pub contract_type: ContractType,
    pub employer_name: Option<String>,
    pub locations: Vec<JobLocation>,
    /// `jobLocationType: TELECOMMUTE`.
    pub telecommute: bool,
    pub applicant_locations: Vec<ApplicantLocation>,
    pub salary_min_eur: Option<i32>,
    pub salary_max_eur: Option<i32>,
    pub isco_code: Option<String>,
    pub occupation_uri: Option<String>,
    pub skills: Vec<String>,
    pub positions: i32,
    /// `inLanguage` when it names Finnish, Swedish or English.
    pub declared_language: Option<String>,
}

/// One `jobLocation`: the parts of its address and its coordinates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobLocation {
    pub postal_code: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    /// An address given as one string instead of a `PostalAddress`.
    pub address_text: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// One entry of `applicantLocationRequirements`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicantLocation {
    pub name: String,
    /// Typed `Country` (as opposed to a region or an untyped name).
    pub is_country: bool,
}

/// Who publishes the vacancies made from a feed, and to whom they show.
#[derive(Debug, Clone, Copy)]
pub struct VacancyOrigin<'a> {
    /// The vacancy `source` (dedup namespace).
    pub source: &'a str,
    pub owner_org: OrgId,
    pub visibility: Visibility,
    pub shared_with: &'a [OrgId],
}

/// Reads a feed document (JSON or HTML) into its postings.
pub fn parse_document(text: &str) -> Result<Vec<ParsedItem>, DocumentError> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let mut roots = Vec::new();
    // A JSON file may come wrapped in CDATA or a comment, as script blocks do.
    let is_json = text.starts_with(['{', '[']) || lenient_json::is_wrapped_json(text);
    match text.chars().next() {
        Some(_) if is_json => {
            let (value, repairs) = lenient_json::parse(text)
                .map_err(|e| document_error(format!("invalid JSON: {e}")))?;
            roots.push((value, Scope::Root, repairs));
        }
        Some('<') => {
            let blocks = json_ld_blocks(text);
            if blocks.is_empty() {
                return Err(document_error(
                    "an HTML page without any <script type=\"application/ld+json\"> block",
                ));
            }
            for (i, block) in blocks.iter().enumerate() {
                let (value, repairs) = lenient_json::parse(block).map_err(|e| {
                    document_error(format!("JSON-LD block {} is not valid JSON: {e}", i + 1))
                })?;
                roots.push((value, Scope::HtmlBlock, repairs));
            }
        }
        Some(_) => {
            return Err(document_error(
                "neither JSON nor HTML (expected '{', '[' or '<' at the start)",
            ))
        }
        None => return Err(document_error("empty document")),
    }

    let mut nodes = HashMap::new();
    for (root, _, _) in &roots {
        index_nodes(root, &mut nodes);
    }
    let mut collector = Collector {
        nodes: &nodes,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    for (root, scope, _) in &roots {
        collector.visit(root, *scope)?;
    }
    let candidates = collector.out;
    let repaired = RepairedNodes::of(&roots);
    Ok(candidates
        .into_iter()
        .enumerate()
        .map(|(index, candidate)| match candidate {
            Candidate::Posting(node) => {
                let identifier = read_identifier(node, &nodes).ok().flatten();
                ParsedItem {
                    index,
                    identifier,
                    posting: JobPosting::from_node(node, &nodes),
                    repairs: repaired.of_node(node),
                }
            }
            Candidate::NotAPosting(node, reason) => ParsedItem {
                index,
                identifier: read_identifier(node, &nodes).ok().flatten(),
                posting: Err(reason),
                repairs: repaired.of_node(node),
            },
        })
        .collect())
}

/// The objects of the blocks the lenient pass repaired, with the repairs.
/// A posting belongs to the block it is written in, which need not be the
/// one that lists it (a reference by `@id` reaches across blocks).
struct RepairedNodes<'a> {
    nodes: HashMap<*const Map<String, Value>, &'a [Repair]>,
}

impl<'a> RepairedNodes<'a> {
    fn of(roots: &'a [(Value, Scope, Vec<Repair>)]) -> RepairedNodes<'a> {
        fn walk<'a>(
            value: &'a Value,
            repairs: &'a [Repair],
            nodes: &mut HashMap<*const Map<String, Value>, &'a [Repair]>,
        ) {
            match value {
                Value::Array(items) => items.iter().for_each(|v| walk(v, repairs, nodes)),
                Value::Object(map) => {
                    nodes.insert(map as *const _, repairs);
                    map.values().for_each(|v| walk(v, repairs, nodes));
                }
                _ => {}
            }
        }
        let mut nodes = HashMap::new();
        for (root, _, repairs) in roots.iter().filter(|(_, _, r)| !r.is_empty()) {
            walk(root, repairs, &mut nodes);
        }
        RepairedNodes { nodes }
    }

    fn of_node(&self, node: &Map<String, Value>) -> Vec<Repair> {
        self.nodes
            .get(&(node as *const _))
            .map_or_else(Vec::new, |r| r.to_vec())
    }
}

/// Where a JSON value sits, which decides what an object without a
/// recognised `@type` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The whole of a JSON document: it must be JSON-LD.
    Root,
    /// The whole of one JSON-LD block of an HTML page, which may describe
    /// anything (breadcrumbs, the web site): ignored unless a posting.
    HtmlBlock,
    /// An element of a list of postings: anything else there is an error.
    ListElement,
    /// A node of an `@graph`: other nodes are ignored.
    GraphNode,
}

enum Candidate<'a> {
    Posting(&'a Map<String, Value>),
    NotAPosting(&'a Map<String, Value>, String),
}

type Nodes<'a> = HashMap<&'a str, &'a Map<String, Value>>;

/// Remembers every node that has an `@id` and more than that, so that
/// references (`{"@id": "…"}`) can be followed.
fn index_nodes<'a>(value: &'a Value, nodes: &mut Nodes<'a>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| index_nodes(v, nodes)),
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("@id") {
                if map.len() > 1 {
                    nodes.entry(id.as_str()).or_insert(map);
                }
            }
            map.values().for_each(|v| index_nodes(v, nodes));
        }
        _ => {}
    }
}

/// A node given inline or by reference (`{"@id": …}` naming a node
/// elsewhere in the document): its map.
fn object<'a>(value: &'a Value, nodes: &Nodes<'a>) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(id)) = map.get("@id") {
                    if let Some(node) = nodes.get(id.as_str()) {
                        return Some(node);
                    }
                }
            }
            Some(map)
        }
        _ => None,
    }
}

/// Walks a document and lists its postings (and the elements of lists of
/// postings that are not postings), each once, in document order.
struct Collector<'a, 'n> {
    nodes: &'n Nodes<'a>,
    /// Postings already listed: a posting in an `@graph` may also be
    /// referenced from an `ItemList` in the same graph.
    seen: HashSet<*const Map<String, Value>>,
    out: Vec<Candidate<'a>>,
}

impl<'a> Collector<'a, '_> {
    fn visit(&mut self, value: &'a Value, scope: Scope) -> Result<(), DocumentError> {
        match value {
            Value::Array(items) => {
                let inner = match scope {
                    Scope::Root | Scope::ListElement => Scope::ListElement,
                    Scope::HtmlBlock | Scope::GraphNode => scope,
                };
                for item in items {
                    self.visit(item, inner)?;
                }
                Ok(())
            }
            Value::Object(_) => {
                let Some(map) = object(value, self.nodes) else {
                    return Ok(());
                };
                let types = types_of(map);
                let is = |name: &str| types.iter().any(|t| t == name);
                if is("JobPosting") {
                    if self.seen.insert(map as *const _) {
                        self.out.push(Candidate::Posting(map));
                    }
                } else if is("ItemList")
                    || (types.is_empty() && map.contains_key("itemListElement"))
                {
                    // Other lists (a BreadcrumbList) are not lists of postings.
                    if let Some(elements) = map.get("itemListElement") {
                        let scope = Scope::ListElement;
                        match elements {
                            Value::Array(items) => {
                                for item in items {
                                    self.visit(item, scope)?;
                                }
                            }
                            other => self.visit(other, scope)?,
                        }
                    }
                } else if is("ListItem") {
                    if let Some(item) = map.get("item") {
                        self.visit(item, Scope::ListElement)?;
                    }
                } else if let Some(graph) = map.get("@graph") {
                    self.visit(graph, Scope::GraphNode)?;
                } else if scope == Scope::Root && types.is_empty() {
                    return Err(document_error(
                        "not JSON-LD: the top-level object has no @type and no @graph",
                    ));
                } else if scope == Scope::ListElement {
                    let reason = if types.is_empty() {
                        "not a JobPosting: the element has no @type".to_owned()
                    } else {
                        format!("not a JobPosting but a {}", types.join("/"))
                    };
                    self.out.push(Candidate::NotAPosting(map, reason));
                }
                // Anything else in a page or a graph (the web site, the
                // employer, a breadcrumb) is not ours to judge.
                Ok(())
            }
            // Scalars: a ListItem whose item is a URL, a stray value.
            _ => Ok(()),
        }
    }
}

/// The `@type`s of a node, each reduced to its local name
/// (`"http://schema.org/JobPosting"` and `"schema:JobPosting"` → `JobPosting`).
fn types_of(map: &Map<String, Value>) -> Vec<String> {
    let local = |t: &str| {
        t.rsplit(['/', ':', '#'])
            .next()
            .unwrap_or(t)
            .trim()
            .to_owned()
    };
    match map.get("@type") {
        Some(Value::String(t)) => vec![local(t)],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(local).collect(),
        _ => Vec::new(),
    }
}

fn has_type(map: &Map<String, Value>, name: &str) -> bool {
    types_of(map).iter().any(|t| t == name)
}

/// A text value: a string, a number, `{"@value": …}`, or the first text of
/// an array.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(map) => map.get("@value").and_then(text_of),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
}

/// A non-empty trimmed text field.
fn text_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(text_of)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The name of a thing given as a string or as a node with `name`.
fn name_of(value: &Value, nodes: &Nodes) -> Option<String> {
    match value {
        Value::Array(items) => items.iter().find_map(|v| name_of(v, nodes)),
        Value::Object(_) => {
            let map = object(value, nodes)?;
            map.get("name")
                .and_then(text_of)
                .or_else(|| map.get("@value").and_then(text_of))
        }
        other => text_of(other),
    }
    .map(|s| single_line(&html_to_text(&s)))
    .filter(|s| !s.is_empty())
}

/// `identifier`: a string, a number or a `PropertyValue { value }` (the
/// first usable one of an array). `Ok(None)` when absent.
fn read_identifier(map: &Map<String, Value>, nodes: &Nodes) -> Result<Option<String>, String> {
    fn one(value: &Value, nodes: &Nodes) -> Result<Option<String>, String> {
        match value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Object(_) => {
                let Some(node) = object(value, nodes) else {
                    return Ok(None);
                };
                match node.get("value").or_else(|| node.get("@value")) {
                    Some(v @ (Value::String(_) | Value::Number(_))) => one(v, nodes),
                    _ => Err("identifier: an object without a string or number value".into()),
                }
            }
            Value::Array(items) => {
                for item in items {
                    if let Some(id) = one(item, nodes)? {
                        return Ok(Some(id));
                    }
                }
                Ok(None)
            }
            Value::Bool(_) => Err("identifier: a boolean is not an identifier".into()),
        }
    }
    match map.get("identifier") {
        Some(value) => one(value, nodes),
        None => Ok(None),
    }
}

impl JobPosting {
    fn from_node(map: &Map<String, Value>, nodes: &Nodes) -> Result<JobPosting, String> {
        let identifier = read_identifier(map, nodes)?;
        let title = map
            .get("title")
            .or_else(|| map.get("name"))
            .and_then(text_of)
            .map(|t| single_line(&html_to_text(&t)))
            .unwrap_or_default();
        if title.is_empty() {
            return Err("title: missing or empty".into());
        }
        let description = map
            .get("description")
            .and_then(text_of)
            .map(|d| truncate_chars(&html_to_text(&d), MAX_TEXT_CHARS))
            .unwrap_or_default();
        let valid_through = match text_field(map, "validThrough") {
            Some(raw) => Some(parse_datetime(&raw).ok_or_else(|| {
                format!("validThrough: {raw:?} is not an ISO 8601 date or date-time")
            })?),
            None => None,
        };
        let start_date = text_field(map, "jobStartDate").and_then(|raw| parse_date(&raw));
        let (work_time, contract_type) = employment_type(map.get("employmentType"));
        let employer_name = map
            .get("hiringOrganization")
            .and_then(|v| name_of(v, nodes));
        let locations = match map.get("jobLocation") {
            Some(value) => job_locations(value, nodes),
            None => Vec::new(),
        };
        let telecommute = map
            .get("jobLocationType")
            .and_then(text_of)
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("TELECOMMUTE"));
        let applicant_locations = map
            .get("applicantLocationRequirements")
            .map(|v| applicant_locations(v, nodes))
            .unwrap_or_default();
        let (salary_min_eur, salary_max_eur) = map
            .get("baseSalary")
            .and_then(|v| monthly_salary(v, nodes))
            .map_or((None, None), |(min, max)| (Some(min), Some(max)));
        let (isco_code, occupation_uri) = map
            .get("occupationalCategory")
            .map(|v| occupation(v, nodes))
            .unwrap_or_default();
        let skills = map
            .get("skills")
            .map(|v| skills(v, nodes))
            .unwrap_or_default();
        let positions = match map.get("totalJobOpenings") {
            None | Some(Value::Null) => 1,
            Some(value) => {
                let n = number(value).filter(|n| n.fract() == 0.0);
                match n {
                    Some(n) if (1.0..=10_000.0).contains(&n) => n as i32,
                    _ => {
                        return Err(format!(
                            "totalJobOpenings: {} is not a whole number between 1 and 10000",
                            compact(value)
                        ))
                    }
                }
            }
        };
        let declared_language = map.get("inLanguage").and_then(declared_language);
        Ok(JobPosting {
            identifier,
            url: text_field(map, "url"),
            title,
            description,
            date_posted: text_field(map, "datePosted"),
            valid_through,
            start_date,
            work_time,
            contract_type,
            employer_name,
            locations,
            telecommute,
            applicant_locations,
            salary_min_eur,
            salary_max_eur,
            isco_code,
            occupation_uri,
            skills,
            positions,
            declared_language,
        })
    }

    /// The id the vacancy is stored under within its source: the posting's
    /// `identifier`, or for postings without one a stable hash of its URL,
    /// title, employer and `datePosted` (`h-` and 32 hex digits).
    pub fn source_id(&self) -> String {
        if let Some(id) = &self.identifier {
            return id.clone();
        }
        let mut hash = Sha256::new();
        for part in [
            self.url.as_deref().unwrap_or_default(),
            &self.title,
            self.employer_name.as_deref().unwrap_or_default(),
            self.date_posted.as_deref().unwrap_or_default(),
        ] {
            hash.update(part.as_bytes());
            hash.update([0x1f]);
        }
        let digest = hex::encode(hash.finalize());
        format!("h-{}", &digest[..32])
    }

    /// The ad's language: `inLanguage` when it names fi, sv or en, otherwise
    /// guessed from the title and description.
    pub fn ad_language(&self) -> &'static str {
        match self.declared_language.as_deref() {
            Some("fi") => "fi",
            Some("sv") => "sv",
            Some("en") => "en",
            _ => guess_language(&format!("{}\n{}", self.title, self.description)),
        }
    }

    /// The vacancy this posting describes, or why it cannot be one. `now` is
    /// the time postings whose `validThrough` has passed are refused against.
    pub fn to_draft(
        &self,
        geography: &Geography,
        origin: &VacancyOrigin,
        now: NaiveDateTime,
    ) -> Result<VacancyDraft, String> {
        if let Some(expiry) = self.valid_through {
            if expiry <= now {
                return Err(format!("validThrough: expired on {expiry} UTC"));
            }
        }
        let remote = if self.telecommute {
            let finnish = self
                .applicant_locations
                .iter()
                .map(|l| classify_applicant_location(geography, l))
                .collect::<Vec<_>>();
            if !finnish.is_empty() && finnish.iter().all(|f| *f == Some(false)) {
                let names: Vec<&str> = self
                    .applicant_locations
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect();
                return Err(format!(
                    "applicantLocationRequirements: remote work only for applicants in {}",
                    names.join(", ")
                ));
            }
            RemoteMode::Full
        } else {
            RemoteMode::None
        };

        let mapped: Vec<(Option<String>, &JobLocation)> = self
            .locations
            .iter()
            .map(|l| (municipality_of(geography, l), l))
            .collect();
        let primary = mapped
            .iter()
            .find(|(code, _)| code.is_some())
            .or_else(|| mapped.iter().find(|(_, l)| l.lat.is_some()));
        let (municipality_code, lat, lon) = match primary {
            Some((code, l)) => (code.clone(), l.lat, l.lon),
            None => (None, None, None),
        };
        if municipality_code.is_none() && lat.is_none() && remote != RemoteMode::Full {
            return Err(if self.locations.is_empty() {
                "jobLocation: missing, and the job is not remote (TELECOMMUTE)".into()
            } else {
                let described: Vec<String> = self.locations.iter().map(describe).collect();
                format!(
                    "jobLocation: no Finnish municipality matches {} and no coordinates are given",
                    described.join("; ")
                )
            });
        }

        let draft = VacancyDraft {
            source: origin.source.to_owned(),
            source_id: self.source_id(),
            owner_org: origin.owner_org,
            title: self.title.clone(),
            description: self.description.clone(),
            ad_language: self.ad_language().to_owned(),
            employer_name: self.employer_name.clone(),
            occupation_uri: self.occupation_uri.clone(),
            isco_code: self.isco_code.clone(),
            industry_code: None,
            skills: self
                .skills
                .iter()
                .map(|label| VacancySkill {
                    skill: SkillRef {
                        uri: None,
                        label: label.clone(),
                    },
                    importance: SkillImportance::Essential,
                })
                .collect(),
            municipality_code,
            lat,
            lon,
            remote,
            work_time: self.work_time,
            contract_type: self.contract_type,
            positions: self.positions,
            salary_min_eur: self.salary_min_eur,
            salary_max_eur: self.salary_max_eur,
            languages: Vec::new(),
            licences: Vec::new(),
            certificates: Vec::new(),
            start_date: self.start_date,
            expires_at: self.valid_through,
            visibility: origin.visibility,
            shared_with: origin.shared_with.to_vec(),
            status: VacancyStatus::Open,
        };
        draft.validate().map_err(|e| e.to_string())?;
        Ok(draft)
    }
}

/// A short rendering of a JSON value for error messages.
fn compact(value: &Value) -> String {
    let text = value.to_string();
    truncate_chars(&text, 60)
}

/// A number given as a JSON number or as text: "3200", "3 200,50",
/// "3,200.50", "3.200,50". With both separators the last one is the decimal
/// point; a lone comma followed by exactly three digits separates thousands
/// ("3,200"), any other lone comma is a decimal comma ("16,25").
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let digits: String = s
                .trim()
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
                .collect();
            let normalised = match (digits.rfind(','), digits.rfind('.')) {
                (Some(comma), Some(dot)) if comma > dot => {
                    digits.replace('.', "").replacen(',', ".", 1)
                }
                (Some(_), Some(_)) => digits.replace(',', ""),
                (Some(comma), None) => {
                    let decimals = &digits[comma + 1..];
                    if decimals.len() == 3 && decimals.bytes().all(|b| b.is_ascii_digit()) {
                        digits.replace(',', "")
                    } else {
                        digits.replacen(',', ".", 1)
                    }
                }
                (None, _) => digits,
            };
            normalised.parse::<f64>().ok()
        }
        Value::Object(map) => map.get("@value").and_then(number),
        _ => None,
    }
    .filter(|n| n.is_finite())
}

/// `validThrough`: an RFC 3339 date-time (converted to UTC), a date-time
/// without offset (taken as UTC), or a date (the end of that day, UTC).
fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return Some(dt.naive_utc().trunc_subsecs(0));
    }
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M:%S%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(raw, format) {
            return Some(dt.naive_utc().trunc_subsecs(0));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(dt.trunc_subsecs(0));
        }
    }
    let end_of_day = NaiveTime::from_hms_opt(23, 59, 59)?;
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(end_of_day))
}

/// `jobStartDate`: a date or the date part of a date-time; anything else
/// ("as soon as possible") is no date.
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let date_part = raw.get(..10)?;
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

/// `employmentType` (one value or several) → work time and contract type.
/// Full time and permanent unless the values say otherwise; unknown values
/// are ignored.
fn employment_type(value: Option<&Value>) -> (WorkTime, ContractType) {
    let mut values: Vec<String> = Vec::new();
    match value {
        Some(Value::Array(items)) => {
            values.extend(items.iter().filter_map(text_of));
        }
        Some(other) => {
            if let Some(text) = text_of(other) {
                // "FULL_TIME, TEMPORARY" is seen in the wild.
                values.extend(text.split(',').map(str::to_owned));
            }
        }
        None => {}
    }
    let values: HashSet<String> = values
        .iter()
        .map(|v| v.trim().to_ascii_uppercase().replace(['-', ' '], "_"))
        .collect();
    let has = |v: &str| values.contains(v);
    let work_time = if (has("PART_TIME") || has("PER_DIEM")) && !has("FULL_TIME") {
        WorkTime::PartTime
    } else {
        WorkTime::FullTime
    };
    let contract_type = if has("INTERN") || has("APPRENTICESHIP") {
        ContractType::Apprenticeship
    } else if has("SEASONAL") {
        ContractType::Seasonal
    } else if has("TEMPORARY") || has("CONTRACTOR") || has("PER_DIEM") {
        ContractType::FixedTerm
    } else {
        ContractType::Permanent
    };
    (work_time, contract_type)
}

/// `jobLocation`: one `Place` or several; a `PostalAddress` or a plain
/// string in place of a `Place` is accepted too.
fn job_locations(value: &Value, nodes: &Nodes) -> Vec<JobLocation> {
    match value {
        Value::Array(items) => items.iter().flat_map(|v| job_locations(v, nodes)).collect(),
        Value::String(s) if !s.trim().is_empty() => vec![JobLocation {
            address_text: Some(s.trim().to_owned()),
            ..JobLocation::default()
        }],
        Value::Object(_) => {
            let Some(place) = object(value, nodes) else {
                return Vec::new();
            };
            let mut location = JobLocation::default();
            let address = if has_type(place, "PostalAddress")
                || place.contains_key("addressLocality")
            {
                Some(place)
            } else {
                match place.get("address") {
                    Some(Value::String(s)) => {
                        location.address_text = Some(s.trim().to_owned()).filter(|s| !s.is_empty());
                        None
                    }
                    Some(Value::Array(items)) => items.iter().find_map(|v| object(v, nodes)),
                    Some(other) => object(other, nodes),
                    None => None,
                }
            };
            if let Some(address) = address {
                location.postal_code = text_field(address, "postalCode");
                location.locality = text_field(address, "addressLocality");
                location.region = address.get("addressRegion").and_then(|v| name_of(v, nodes));
                location.country = address
                    .get("addressCountry")
                    .and_then(|v| name_of(v, nodes));
                if location.locality.is_none() && location.address_text.is_none() {
                    location.address_text = text_field(address, "streetAddress");
                }
            }
            if let Some(geo) = place.get("geo").and_then(|g| object(g, nodes)) {
                let lat = geo.get("latitude").and_then(number);
                let lon = geo.get("longitude").and_then(number);
                if let (Some(lat), Some(lon)) = (lat, lon) {
                    if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
                        location.lat = Some(lat);
                        location.lon = Some(lon);
                    }
                }
            }
            if location == JobLocation::default() {
                // A place given by name only ("Place", name "Tampere").
                location.address_text = text_field(place, "name");
            }
            vec![location]
        }
        _ => Vec::new(),
    }
}

/// How a location reads in an error message.
fn describe(location: &JobLocation) -> String {
    let parts: Vec<&str> = [
        location.address_text.as_deref(),
        location.postal_code.as_deref(),
        location.locality.as_deref(),
        location.region.as_deref(),
        location.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "an empty address".into()
    } else {
        format!("{:?}", parts.join(", "))
    }
}

fn applicant_locations(value: &Value, nodes: &Nodes) -> Vec<ApplicantLocation> {
    match value {
        Value::Array(items) => items
            .iter()
            .flat_map(|v| applicant_locations(v, nodes))
            .collect(),
        Value::Object(_) => {
            let Some(map) = object(value, nodes) else {
                return Vec::new();
            };
            match name_of(value, nodes) {
                Some(name) => vec![ApplicantLocation {
                    name,
                    is_country: has_type(map, "Country"),
                }],
                None => Vec::new(),
            }
        }
        other => text_of(other)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .map(|name| {
                vec![ApplicantLocation {
                    name,
                    is_country: false,
                }]
            })
            .unwrap_or_default(),
    }
}

/// Names and codes of Finland (Åland is part of Finland, with its own ISO code).
fn is_finland(name: &str) -> bool {
    matches!(
        fold_name(name).as_str(),
        "fi" | "fin"
            | "finland"
            | "suomi"
            | "republic of finland"
            | "ax"
            | "ala"
            | "aland"
            | "ahvenanmaa"
            | "aland islands"
    )
}

/// Whether an applicant location is in Finland: `Some(true)` for Finland or
/// a Finnish region or municipality, `Some(false)` for another country,
/// `None` when it cannot be told.
fn classify_applicant_location(
    geography: &Geography,
    location: &ApplicantLocation,
) -> Option<bool> {
    let name = location.name.trim();
    if is_finland(name)
        || geography.region_by_name(name).is_some()
        || geography.municipality_by_name(name).is_some()
    {
        return Some(true);
    }
    let two_letter_code = name.len() == 2 && name.bytes().all(|b| b.is_ascii_alphabetic());
    if location.is_country || two_letter_code {
        return Some(false);
    }
    None
}

/// The municipality a location lies in, when its address says so without
/// doubt: the locality (or failing that the region field, or the parts of a
/// one-string address) names exactly one Finnish municipality in Finnish or
/// Swedish. A location in another country, a district name or two
/// different municipalities give `None`.
///
/// Postal codes are not used: no openly licensed postal code → municipality
/// table could be found (see `docs/feeds.md`).
pub fn municipality_of(geography: &Geography, location: &JobLocation) -> Option<String> {
    if let Some(country) = &location.country {
        if !is_finland(country) {
            return None;
        }
    }
    for text in [&location.locality, &location.address_text, &location.region]
        .into_iter()
        .flatten()
    {
        if let Some(code) = municipality_in_text(geography, text) {
            return Some(code);
        }
    }
    None
}

/// The one municipality named in `text`: the whole text, or the parts
/// between commas, slashes and parentheses with postal codes dropped
/// ("33100 Tampere", "Helsinki, Finland"). `None` when no part names a
/// municipality or two parts name different ones.
fn municipality_in_text(geography: &Geography, text: &str) -> Option<String> {
    if let Some(m) = geography.municipality_by_name(text) {
        return Some(m.code.clone());
    }
    let mut found: Option<String> = None;
    for part in text.split([',', '/', '(', ')', ';', '\n']) {
        let words: Vec<&str> = part
            .split_whitespace()
            .filter(|w| !(w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit())))
            .filter(|w| !w.eq_ignore_ascii_case("FI") && !w.starts_with("FI-"))
            .collect();
        if words.is_empty() {
            continue;
        }
        if let Some(m) = geography.municipality_by_name(&words.join(" ")) {
            match &found {
                Some(code) if *code != m.code => return None,
                _ => found = Some(m.code.clone()),
            }
        }
    }
    found
}

/// `baseSalary` → (min, max) monthly euros. Only euro amounts with a known
/// unit (MONTH, YEAR, HOUR) count; anything else yields no salary.
fn monthly_salary(value: &Value, nodes: &Nodes) -> Option<(i32, i32)> {
    if let Value::Array(items) = value {
        return items.iter().find_map(|v| monthly_salary(v, nodes));
    }
    let amount = object(value, nodes)?;
    let currency = text_field(amount, "currency")?;
    if !currency.eq_ignore_ascii_case("EUR") {
        return None;
    }
    let outer_unit = text_field(amount, "unitText");
    let inner = amount.get("value")?;
    let (min, max, unit) = match inner {
        Value::Object(_) => {
            let q = object(inner, nodes)?;
            let value = q.get("value").and_then(number);
            let min = q.get("minValue").and_then(number).or(value);
            let max = q.get("maxValue").and_then(number).or(value);
            let (min, max) = match (min, max) {
                (Some(a), Some(b)) => (a, b),
                (Some(a), None) | (None, Some(a)) => (a, a),
                (None, None) => return None,
            };
            (min, max, text_field(q, "unitText").or(outer_unit))
        }
        other => {
            let v = number(other)?;
            (v, v, outer_unit)
        }
    };
    let factor = match unit?.trim().to_ascii_uppercase().as_str() {
        "MONTH" => 1.0,
        "YEAR" => 1.0 / 12.0,
        "HOUR" => HOURS_PER_MONTH,
        _ => return None,
    };
    let monthly = |v: f64| {
        let m = (v * factor).round();
        (0.0..=i32::MAX as f64).contains(&m).then_some(m as i32)
    };
    let (min, max) = (monthly(min)?, monthly(max)?);
    (min <= max).then_some((min, max))
}

/// `occupationalCategory` → (ISCO-08 code, ESCO occupation URI). Strings
/// and `CategoryCode { codeValue, inCodeSet }`, one or several; a 4-digit
/// code counts as ISCO-08 unless `inCodeSet` names another classification.
fn occupation(value: &Value, nodes: &Nodes) -> (Option<String>, Option<String>) {
    let mut isco = None;
    let mut esco = None;
    let mut consider = |text: &str, isco_allowed: bool| {
        let text = text.trim();
        if esco.is_none() {
            for prefix in [
                "http://data.europa.eu/esco/occupation/",
                "https://data.europa.eu/esco/occupation/",
            ] {
                if let Some(rest) = text.strip_prefix(prefix) {
                    if !rest.is_empty() && !rest.contains(char::is_whitespace) {
                        esco = Some(format!("http://data.europa.eu/esco/occupation/{rest}"));
                    }
                }
            }
        }
        if isco.is_none() && isco_allowed {
            let first = text.split_whitespace().next().unwrap_or_default();
            if first.len() == 4 && first.bytes().all(|b| b.is_ascii_digit()) {
                isco = Some(first.to_owned());
            }
        }
    };
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match item {
            Value::Object(_) => {
                let Some(code) = object(item, nodes) else {
                    continue;
                };
                let isco_allowed = text_field(code, "inCodeSet")
                    .or_else(|| code.get("inCodeSet").and_then(|v| name_of(v, nodes)))
                    .is_none_or(|set| set.to_ascii_lowercase().contains("isco"));
                for key in ["codeValue", "@id", "url", "sameAs"] {
                    if let Some(text) = text_field(code, key) {
                        consider(&text, isco_allowed && key == "codeValue");
                    }
                }
            }
            other => {
                if let Some(text) = text_of(other) {
                    consider(&text, true);
                }
            }
        }
    }
    (isco, esco)
}

/// `skills`: text separated by commas, semicolons or line breaks, or an
/// array of texts or `DefinedTerm { name }`. Cleaned, de-duplicated
/// (ignoring case), at most [`MAX_LIST_ITEMS`], each at most
/// [`MAX_TITLE_CHARS`] characters (longer ones are dropped).
fn skills(value: &Value, nodes: &Nodes) -> Vec<String> {
    let mut raw = Vec::new();
    match value {
        Value::Array(items) => {
            // Each element is one skill, commas and all ("Office (Word, Excel)").
            for item in items {
                let label = match item {
                    Value::Object(_) => name_of(item, nodes),
                    other => text_of(other).map(|t| html_to_text(&t)),
                };
                raw.extend(label);
            }
        }
        Value::Object(_) => raw.extend(name_of(value, nodes)),
        other => {
            if let Some(text) = text_of(other) {
                raw.extend(
                    html_to_text(&text)
                        .split([',', ';', '\n'])
                        .map(str::to_owned),
                );
            }
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for skill in raw {
        let skill = single_line(skill.trim_start_matches(['-', '*', '•', '·', ' ']));
        if skill.is_empty() || skill.chars().count() > MAX_TITLE_CHARS {
            continue;
        }
        if seen.insert(skill.to_lowercase()) {
            out.push(skill);
            if out.len() == MAX_LIST_ITEMS {
                break;
            }
        }
    }
    out
}

/// `inLanguage` when it names Finnish, Swedish or English: a BCP 47 tag
/// ("fi-FI"), an ISO 639-2 code, a language name in fi/sv/en, or a
/// `Language { name, alternateName }`.
fn declared_language(value: &Value) -> Option<String> {
    let candidates: Vec<String> = match value {
        Value::Array(items) => return items.iter().find_map(declared_language),
        Value::Object(map) => ["alternateName", "name", "@value"]
            .iter()
            .filter_map(|k| map.get(*k).and_then(text_of))
            .collect(),
        other => text_of(other).into_iter().collect(),
    };
    candidates.iter().find_map(|raw| {
        let lowered = raw.trim().to_lowercase();
        let primary = lowered.split(['-', '_']).next().unwrap_or_default();
        let code = match primary {
            "fi" | "fin" | "finnish" | "suomi" | "finska" => "fi",
            "sv" | "swe" | "swedish" | "svenska" | "ruotsi" => "sv",
            "en" | "eng" | "english" | "englanti" | "engelska" => "en",
            _ => return None,
        };
        Some(code.to_owned())
    })
}

/// Frequent short words of each language: enough to tell Finnish, Swedish
/// and English ads apart, which is all the index needs to pick a stemmer.
const STOP_WORDS: [(&str, &[&str]); 3] = [
    (
        "fi",
        &[
            "ja",
            "on",
            "tai",
            "että",
            "sekä",
            "olet",
            "olemme",
            "meillä",
            "sinulla",
            "haemme",
            "etsimme",
            "kanssa",
            "myös",
            "työ",
            "työhön",
            "voit",
            "ovat",
            "tehtävä",
            "tehtäviin",
            "hakemus",
            "mukaan",
            "joka",
            "jos",
            "sinua",
            "kokemusta",
            "osaamista",
            "työpaikka",
        ],
    ),
    (
        "sv",
        &[
            "och",
            "att",
            "är",
            "för",
            "med",
            "vi",
            "du",
            "som",
            "söker",
            "har",
            "på",
            "av",
            "till",
            "ett",
            "det",
            "den",
            "inom",
            "erfarenhet",
            "arbete",
            "tjänsten",
            "våra",
            "dig",
            "ansökan",
            "hos",
            "eller",
            "också",
        ],
    ),
    (
        "en",
        &[
            "and",
            "the",
            "to",
            "of",
            "with",
            "you",
            "we",
            "are",
            "for",
            "is",
            "our",
            "will",
            "in",
            "your",
            "as",
            "experience",
            "work",
            "job",
            "this",
            "be",
            "have",
            "or",
        ],
    ),
];

/// The language (fi, sv or en) with the most stop words in `text`; Finnish
/// when none is found, as most Finnish ads are.
pub fn guess_language(text: &str) -> &'static str {
    let mut counts = [0usize; 3];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        for (i, (_, words)) in STOP_WORDS.iter().enumerate() {
            if words.contains(&word.as_str()) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..counts.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    STOP_WORDS[best].0
}

/// Cuts `text` to at most `max` characters, ending in "…" when cut.
fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// One line: every run of whitespace (line breaks included) becomes a space.
fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds something that looks like an HTML tag.
fn has_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Elements whose start or end begins a new line of text.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements that end a paragraph: a blank line in the text.
const PARAGRAPH_ELEMENTS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
    "hr",
];

/// HTML (or plain text with entities) → plain text: tags removed (with the
/// content of `script` and `style`), entities decoded, block elements on
/// lines of their own, list items as "- item", runs of spaces collapsed,
/// at most one blank line in a row, control characters dropped.
/// Descriptions escaped twice ("&lt;p&gt;…") are unescaped first.
pub fn html_to_text(html: &str) -> String {
    let decoded;
    let html = if !has_tag(html) && html.contains("&lt;") {
        decoded = decode_entities(html);
        decoded.as_str()
    } else {
        html
    };
    let mut out = String::with_capacity(html.len());
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        let b = bytes[i];
        if b == b'<' {
            if rest.starts_with("<!--") {
                i += rest.find("-->").map_or(rest.len(), |end| end + 3);
                continue;
            }
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            if next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?' {
                let end = tag_end(html, i);
                let tag = &html[i + 1..end.saturating_sub(1).max(i + 1)];
                let closing = tag.starts_with('/');
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                i = end;
                if !closing && (name == "script" || name == "style") {
                    let close = format!("</{name}");
                    i = find_ci(html, i, &close).map_or(html.len(), |at| tag_end(html, at));
                    continue;
                }
                if PARAGRAPH_ELEMENTS.contains(&name.as_str()) {
                    out.push_str("\n\n");
                } else if name == "li" {
                    // A list item starts a line; its end needs no second one.
                    if !closing {
                        out.push_str("\n- ");
                    }
                } else if BLOCK_ELEMENTS.contains(&name.as_str()) {
                    out.push('\n');
                } else if name == "td" || name == "th" {
                    out.push(' ');
                }
                continue;
            }
            out.push('<');
            i += 1;
        } else if b == b'&' {
            match decode_entity(rest) {
                Some((text, len)) => {
                    out.push_str(&text);
                    i += len;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            }
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    tidy_lines(&out)
}

/// Collapses spaces within lines, trims them, and keeps at most one blank
/// line between paragraphs; control characters other than line breaks go.
fn tidy_lines(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let cleaned: String = line
            .chars()
            .map(|c| {
                if c.is_whitespace() || c.is_control() || c == '\u{a0}' {
                    ' '
                } else {
                    c
                }
            })
            .filter(|c| *c != '\u{ad}' && *c != '\u{200b}' && *c != '\u{feff}')
            .collect();
        let line = single_line(&cleaned);
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The byte position just after the `>` closing the tag that starts at
/// `start`, skipping `>` inside quoted attribute values.
fn tag_end(html: &str, start: usize) -> usize {
    let bytes = html.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    html.len()
}

/// The position of `needle` (ASCII, any case) in `haystack` at or after `from`.
fn find_ci(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = haystack.as_bytes();
    let needle = needle.as_bytes();
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    (from..=hay.len().checked_sub(needle.len())?)
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The contents of the `<script type="application/ld+json">` blocks of an
/// HTML page, trimmed, in page order. Comments are skipped (a block inside
/// one is not read) and attributes may be quoted either way or not at all.
/// A `<!-- … -->` or `<![CDATA[ … ]]>` wrapper inside a block is left to
/// [`lenient_json`], which reports it.
pub fn json_ld_blocks(html: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = html.get(i..).and_then(|rest| rest.find('<')) {
        let start = i + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = start + rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        let is_script = rest
            .get(..7)
            .is_some_and(|t| t.eq_ignore_ascii_case("<script"))
            && bytes
                .get(start + 7)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if !is_script {
            i = start + 1;
            continue;
        }
        let (attributes, open_end) = script_attributes(html, start + 7);
        let Some(close) = find_ci(html, open_end, "</script") else {
            break;
        };
        let is_json_ld = attributes.iter().any(|(name, value)| {
            name == "type"
                && value
                    .split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        });
        if is_json_ld {
            let content = html[open_end..close].trim();
            if !content.is_empty() {
                blocks.push(content);
            }
        }
        i = tag_end(html, close);
    }
    blocks
}

/// The attributes of a start tag whose name ends at `from`, and the
/// position just after its `>`.
fn script_attributes(html: &str, from: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut attributes = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attributes, bytes.len());
        }
        if bytes[i] == b'>' {
            return (attributes, i + 1);
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let value_start = i + 1;
                    let value_end = html[value_start..]
                        .find(q as char)
                        .map_or(bytes.len(), |e| value_start + e);
                    value = decode_entities(&html[value_start..value_end]);
                    i = (value_end + 1).min(bytes.len());
                }
                _ => {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode_entities(&html[value_start..i]);
                }
            }
        }
        if !name.is_empty() {
            attributes.push((name, value));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text() {
        let html = "<h2>Tehtävä</h2><p>Etsimme <b>sairaanhoitajaa</b> &amp; \
                    lähihoitajaa&nbsp;Tampereelle.</p><ul><li>Vakituinen</li>\
                    <li>Palkka &gt; 3000&nbsp;&euro;</li></ul><script>alert(1)</script>\
                    <p>Hae&#160;viimeistään&#x20;31.12.</p><!-- piilotettu -->";
        assert_eq!(
            html_to_text(html),
            "Tehtävä\n\nEtsimme sairaanhoitajaa & lähihoitajaa Tampereelle.\n\n\
             - Vakituinen\n- Palkka > 3000 €\n\nHae viimeistään 31.12."
        );
        assert_eq!(
            html_to_text("&lt;p&gt;Double &amp;amp; escaped&lt;/p&gt;"),
            "Double & escaped"
        );
        assert_eq!(html_to_text("a < b and c<3"), "a < b and c<3");
        assert_eq!(
            html_to_text("R&D &unknown; &#0;x"),
            "R&D &unknown; \u{fffd}x"
        );
        assert_eq!(html_to_text("<a href=\"x>y\">link</a>"), "link");
    }

    #[test]
    fn script_blocks_are_found_by_type() {
        let html = r#"<html><head>
            <!-- <script type="application/ld+json">{"commented": true}</script> -->
            <script src="app.js"></script>
            <SCRIPT TYPE='application/ld+json; charset=utf-8'>{"a": "</p>"}</SCRIPT >
            <script data-x="a>b" type=application/ld+json><!--
              [1]
            --></script>
            <script type="text/javascript">var s = "<script type='application/ld+json'>";</script>
            <scripts type="application/ld+json">{"not": "a script"}</scripts>
            <script type="application/ld+json">//<![CDATA[
            {"b": 2}
            //]]></script>
            </head></html>"#;
        assert_eq!(
            json_ld_blocks(html),
            vec![
                r#"{"a": "</p>"}"#,
                "<!--\n              [1]\n            -->",
                "//<![CDATA[\n            {\"b\": 2}\n            //]]>"
            ]
        );
        assert!(json_ld_blocks("<p>no scripts</p>").is_empty());
        assert!(json_ld_blocks("<script type=\"application/ld+json\">{\"open\":").is_empty());
    }

    #[test]
    fn languages_are_declared_or_guessed() {
        assert_eq!(declared_language(&Value::from("fi-FI")), Some("fi".into()));
        assert_eq!(
            declared_language(&Value::from("Swedish")),
            Some("sv".into())
        );
        assert_eq!(
            declared_language(&serde_json::json!({"@type": "Language", "name": "English"})),
            Some("en".into())
        );
        assert_eq!(declared_language(&Value::from("de")), None);
        assert_eq!(
            guess_language("Haemme kokenutta kirvesmiestä, jolla on kokemusta ja osaamista."),
            "fi"
        );
        assert_eq!(
            guess_language("Vi söker en erfaren snickare som har arbete på byggen."),
            "sv"
        );
        assert_eq!(
            guess_language("We are looking for an engineer with experience in the field."),
            "en"
        );
        assert_eq!(guess_language("12345"), "fi");
    }

    #[test]
    fn salaries_become_monthly_euros() {
        let nodes = Nodes::new();
        let salary = |v: Value| monthly_salary(&v, &nodes);
        assert_eq!(
            salary(
                serde_json::json!({"@type": "MonetaryAmount", "currency": "EUR",
                "value": {"@type": "QuantitativeValue", "minValue": 3000, "maxValue": 3800,
                          "unitText": "MONTH"}})
            ),
            Some((3000, 3800))
        );
        assert_eq!(
            salary(serde_json::json!({"currency": "EUR",
                "value": {"value": "54 000", "unitText": "YEAR"}})),
            Some((4500, 4500))
        );
        assert_eq!(
            salary(serde_json::json!({"currency": "eur",
                "value": {"minValue": 14.5, "maxValue": "16,25", "unitText": "HOUR"}})),
            Some((2320, 2600))
        );
        assert_eq!(
            salary(serde_json::json!({"currency": "EUR", "value": 3100, "unitText": "MONTH"})),
            Some((3100, 3100))
        );
        // Not euros, no unit, an unknown unit, or min above max: no salary.
        for v in [
            serde_json::json!({"currency": "SEK", "value": {"value": 35000, "unitText": "MONTH"}}),
            serde_json::json!({"currency": "EUR", "value": {"value": 3500}}),
            serde_json::json!({"currency": "EUR", "value": {"value": 700, "unitText": "WEEK"}}),
            serde_json::json!({"currency": "EUR",
                "value": {"minValue": 4000, "maxValue": 3000, "unitText": "MONTH"}}),
            serde_json::json!({"value": {"value": 3000, "unitText": "MONTH"}}),
        ] {
            assert_eq!(salary(v.clone()), None, "{v}");
        }
    }

    #[test]
    fn numbers_read_in_the_usual_notations() {
        let n = |s: &str| number(&Value::from(s));
        assert_eq!(n("3200"), Some(3200.0));
        assert_eq!(n("3 200,50"), Some(3200.5));
        assert_eq!(n("3\u{a0}200"), Some(3200.0));
        assert_eq!(n("3,200"), Some(3200.0));
        assert_eq!(n("3,200.50"), Some(3200.5));
        assert_eq!(n("3.200,50"), Some(3200.5));
        assert_eq!(n("16,25"), Some(16.25));
        assert_eq!(n("noin 3000"), None);
        assert_eq!(number(&serde_json::json!(17.5)), Some(17.5));
        assert_eq!(number(&serde_json::json!({"@value": "12"})), Some(12.0));
    }

    #[test]
    fn occupations_are_recognised() {
        let nodes = Nodes::new();
        let occ = |v: Value| occupation(&v, &nodes);
        assert_eq!(occ(Value::from("2221")), (Some("2221".into()), None));
        assert_eq!(
            occ(Value::from("2221 Sairaanhoitajat")),
            (Some("2221".into()), None)
        );
        assert_eq!(
            occ(Value::from("15-1132.00 Software Developers")),
            (None, None)
        );
        assert_eq!(
            occ(
                serde_json::json!({"@type": "CategoryCode", "codeValue": "7115",
                                   "inCodeSet": "ISCO-08"})
            ),
            (Some("7115".into()), None)
        );
        assert_eq!(
            occ(
                serde_json::json!({"@type": "CategoryCode", "codeValue": "2136",
                                   "inCodeSet": "UK SOC 2010"})
            ),
            (None, None)
        );
        assert_eq!(
            occ(serde_json::json!([
                "https://data.europa.eu/esco/occupation/0c1a3a0b-1dc5-4a7a-b3b4-6a1c1b0e3b7e",
                {"codeValue": "2512"}
            ])),
            (
                Some("2512".into()),
                Some(
                    "http://data.europa.eu/esco/occupation/0c1a3a0b-1dc5-4a7a-b3b4-6a1c1b0e3b7e"
                        .into()
                )
            )
        );
    }

    #[test]
    fn employment_types_map_to_work_time_and_contract() {
        let et = |v: Value| employment_type(Some(&v));
        assert_eq!(
            et(Value::from("FULL_TIME")),
            (WorkTime::FullTime, ContractType::Permanent)
        );
        assert_eq!(
            et(serde_json::json!(["PART_TIME", "TEMPORARY"])),
            (WorkTime::PartTime, ContractType::FixedTerm)
        );
        assert_eq!(
            et(Value::from("full-time, contractor")),
            (WorkTime::FullTime, ContractType::FixedTerm)
        );
        assert_eq!(
            et(Value::from("INTERN")),
            (WorkTime::FullTime, ContractType::Apprenticeship)
        );
        assert_eq!(
            et(serde_json::json!(["SEASONAL", "PART_TIME"])),
            (WorkTime::PartTime, ContractType::Seasonal)
        );
        assert_eq!(
            employment_type(None),
            (WorkTime::FullTime, ContractType::Permanent)
        );
    }

    #[test]
    fn dates_parse_in_the_forms_feeds_use() {
        let dt = |s: &str| parse_datetime(s).map(|d| d.to_string());
        assert_eq!(dt("2027-01-31"), Some("2027-01-31 23:59:59".into()));
        assert_eq!(
            dt("2027-01-31T16:00:00+02:00"),
            Some("2027-01-31 14:00:00".into())
        );
        assert_eq!(
            dt("2027-01-31T16:00:00.250Z"),
            Some("2027-01-31 16:00:00".into())
        );
        assert_eq!(dt("2027-01-31T16:00"), Some("2027-01-31 16:00:00".into()));
        assert_eq!(
            dt("2027-01-31T16:00+03:00"),
            Some("2027-01-31 13:00:00".into())
        );
        assert_eq!(dt("31.1.2027"), None);
        assert_eq!(
            parse_date("2027-02-01T08:00:00+02:00"),
            NaiveDate::from_ymd_opt(2027, 2, 1)
        );
        assert_eq!(parse_date("heti"), None);
    }

    #[test]
    fn skills_are_split_and_deduplicated() {
        let nodes = Nodes::new();
        assert_eq!(
            skills(
                &Value::from("Hitsaus, MIG/MAG-hitsaus; hitsaus\n- Trukkikortti"),
                &nodes
            ),
            vec!["Hitsaus", "MIG/MAG-hitsaus", "Trukkikortti"]
        );
        assert_eq!(
            skills(
                &serde_json::json!([
                    "Rust",
                    {"@type": "DefinedTerm", "name": "PostgreSQL"},
                    "",
                    "Microsoft Office (Word, Excel)"
                ]),
                &nodes
            ),
            vec!["Rust", "PostgreSQL", "Microsoft Office (Word, Excel)"]
        );
    }

    #[test]
    fn documents_that_are_not_feeds_are_refused() {
        for (text, reason) in [
            ("", "empty document"),
            ("hello", "neither JSON nor HTML"),
            ("{\"title\": ", "invalid JSON"),
            ("{\"title\": \"x\"}", "not JSON-LD"),
            ("<html><body>no data</body></html>", "an HTML page without"),
            (
                "<script type=\"application/ld+json\">{oops}</script>",
                "JSON-LD block 1 is not valid JSON",
            ),
        ] {
            let err = parse_document(text).unwrap_err();
            assert!(err.reason.starts_with(reason), "{text:?}: {err}");
        }
    }

    #[test]
    fn postings_listed_twice_count_once_and_breadcrumbs_are_ignored() {
        let doc = r##"{"@context": "https://schema.org", "@graph": [
            {"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "item": {"@id": "https://x.fi/", "name": "Etusivu"}},
                {"@type": "ListItem", "position": 2, "item": "https://x.fi/ura"}]},
            {"@type": "ItemList", "itemListElement": [
                {"@type": "ListItem", "item": {"@id": "#job-1"}},
                {"@type": "ListItem", "item": {"@id": "#job-2"}},
                {"@type": "ListItem", "item": {"@type": "Event", "name": "Rekrytointipäivä"}}]},
            {"@type": "JobPosting", "@id": "#job-1", "title": "Putkiasentaja"},
            {"@type": "JobPosting", "@id": "#job-2", "title": "Sähköasentaja"}
        ]}"##;
        let items = parse_document(doc).unwrap();
        let seen: Vec<(usize, Result<String, String>)> = items
            .into_iter()
            .map(|i| (i.index, i.posting.map(|p| p.title)))
            .collect();
        assert_eq!(
            seen,
            vec![
                (0, Ok("Putkiasentaja".into())),
                (1, Ok("Sähköasentaja".into())),
                (2, Err("not a JobPosting but a Event".into())),
            ]
        );
    }

    #[test]
    fn references_by_id_are_followed() {
        let doc = r##"{"@context": "https://schema.org", "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "Konepaja Oy"},
            {"@type": "Place", "@id": "#plant", "address": {"@type": "PostalAddress",
             "addressLocality": "Seinäjoki"}},
            {"@type": "JobPosting", "title": "Hitsaaja", "identifier": {"@id": "#ref"},
             "hiringOrganization": {"@id": "#org"}, "jobLocation": {"@id": "#plant"}},
            {"@type": "PropertyValue", "@id": "#ref", "name": "ref", "value": 4711}
        ]}"##;
        let items = parse_document(doc).unwrap();
        assert_eq!(items.len(), 1);
        let posting = items[0].posting.as_ref().unwrap();
        assert_eq!(posting.identifier.as_deref(), Some("4711"));
        assert_eq!(posting.employer_name.as_deref(), Some("Konepaja Oy"));
        assert_eq!(posting.locations[0].locality.as_deref(), Some("Seinäjoki"));
    }
}
