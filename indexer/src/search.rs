//! Vacancy search: free text (stemmed fi/sv/en) and filters over the index,
//! with the caller's access filter inside the query, relevance or newest-first
//! order, and facet counts over everything that matched.

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::NaiveDateTime;
use matcher::domain::{RemoteMode, WorkTime};
use matcher::retrieval::{vacancy_access_clause, VacancyAccess};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, EnableScoring, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, DocAddress, Order, Term};

use crate::matching::{MatchEngine, MatchError};

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct VacancySearch {
    /// Free text, any of the three languages.
    pub q: Option<String>,
    /// An ESCO occupation URI, or an ISCO code of 1–4 digits.
    pub occupation: Option<String>,
    pub municipality: Option<String>,
    pub region: Option<String>,
    /// Around a municipality: (code, radius in km).
    pub near: Option<(String, f64)>,
    pub work_time: Option<WorkTime>,
    pub remote: Option<RemoteMode>,
    /// The ad's language (fi, sv, en).
    pub language: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

/// One page of hits and the facets of all of them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchPage {
    pub ids: Vec<i64>,
    pub total: u64,
    pub facets: Facets,
}

/// Counts per value over every matching vacancy.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub region: BTreeMap<String, u64>,
    /// ISCO major group (1 digit).
    pub occupation_group: BTreeMap<String, u64>,
    pub work_time: BTreeMap<String, u64>,
    pub remote: BTreeMap<String, u64>,
}

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

impl MatchEngine {
    /// Open, unexpired vacancies `access` may see that match `search`.
    pub fn search_vacancies(
        &self,
        search: &VacancySearch,
        access: VacancyAccess,
        now: NaiveDateTime,
    ) -> Result<SearchPage, MatchError> {
        let snapshot = self.snapshot()?;
        let searcher = &snapshot.searcher;
        let s = &self.schema;
        let geo = &self.reference.geography;
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, term(s.kind, "vacancy")),
            (Occur::Must, term(s.status, "open")),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Excluded(Term::from_field_date(
                        s.expires_at,
                        DateTime::from_timestamp_secs(now.and_utc().timestamp()),
                    )),
                    Bound::Unbounded,
                )),
            ),
        ];
        if let Some(clause) = vacancy_access_clause(s, access) {
            must.push((Occur::Must, clause));
        }
        if let Some(o) = &search.occupation {
            let field = if o.chars().all(|c| c.is_ascii_digit()) {
                s.isco
            } else {
                s.occupation
            };
            must.push((Occur::Must, term(field, o)));
        }
        if let Some(m) = &search.municipality {
            must.push((Occur::Must, term(s.municipality, m)));
        }
        if let Some(r) = &search.region {
            must.push((Occur::Must, term(s.region, r)));
        }
        if let Some((code, km)) = &search.near {
            let centre = geo.municipality(code);
            let near: Vec<Box<dyn Query>> = geo
                .municipalities()
                .filter(|m| {
                    centre.is_some_and(|c| {
                        matcher::geography::haversine_km(c.lat, c.lon, m.lat, m.lon) <= *km
                    })
                })
                .map(|m| term(s.municipality, &m.code))
                .collect();
            must.push((
                Occur::Must,
                Box::new(BooleanQuery::new(
                    near.into_iter().map(|q| (Occur::Should, q)).collect(),
                )),
            ));
        }
        if let Some(w) = search.work_time {
            must.push((Occur::Must, term(s.work_time, w.as_str())));
        }
        if let Some(r) = search.remote {
            must.push((Occur::Must, term(s.remote, r.as_str())));
        }
        if let Some(l) = &search.language {
            must.push((Occur::Must, term(s.ad_language, l)));
        }
        let text = search.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if let Some(q) = text {
            let parser = QueryParser::for_index(
                &snapshot.index.index,
                vec![
                    s.title_fi, s.title_sv, s.title_en, s.body_fi, s.body_sv, s.body_en,
                ],
            );
            // Lenient: user text is never a syntax error; unknown syntax is
            // read as words.
            let (query, _) = parser.parse_query_lenient(q);
            must.push((Occur::Must, query));
        }
        let query = BooleanQuery::new(must);

        // Facets and the total over every hit, from the match records.
        let mut facets = Facets::default();
        let mut total = 0u64;
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let regions: Vec<&str> = geo.regions().map(|r| r.code.as_str()).collect();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let records = &snapshot.segments[ord];
            let alive = segment.alive_bitset();
            weight.for_each_no_score(segment, &mut |docs| {
                for &doc in docs {
                    if alive.is_some_and(|a| !a.is_alive(doc)) {
                        continue;
                    }
                    let Some(v) = records.vacancy(doc) else {
                        continue;
                    };
                    total += 1;
                    if let Some(r) = regions.get(usize::from(v.region)) {
                        *facets.region.entry((*r).to_owned()).or_default() += 1;
                    }
                    if let Some(g) = v.isco.as_deref().and_then(|i| i.get(..1)) {
                        *facets.occupation_group.entry(g.to_owned()).or_default() += 1;
                    }
                    *facets
                        .work_time
                        .entry(v.work_time.as_str().to_owned())
                        .or_default() += 1;
                    *facets
                        .remote
                        .entry(v.remote.as_str().to_owned())
                        .or_default() += 1;
                }
            })?;
        }

        let limit = search.limit.max(1);
        let hits: Vec<DocAddress> = if text.is_some() {
            searcher
                .search(
                    &query,
                    &TopDocs::with_limit(limit)
                        .and_offset(search.offset)
                        .order_by_score(),
                )?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        } else {
            searcher
                .search(
                    &query,
                    &TopDocs::with_limit(limit)
                        .and_offset(search.offset)
                        .order_by_fast_field::<u64>("id", Order::Desc),
                )?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        };
        let ids = hits
            .into_iter()
            .filter_map(|a| {
                snapshot
                    .segments
                    .get(a.segment_ord as usize)?
                    .vacancy(a.doc_id)
                    .map(|v| v.id)
            })
            .collect();
        Ok(SearchPage { ids, total, facets })
    }
}
