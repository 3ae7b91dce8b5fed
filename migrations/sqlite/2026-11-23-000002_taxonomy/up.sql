-- Reference data every server node must share: the ESCO taxonomy with its
-- ISCO-08 groups, Finnish municipalities and regions, and TOL 2008
-- industries. Replaced whole by `kohtaanto import`; nothing references these
-- tables by foreign key, so a replacement never cascades into vacancies or
-- profiles. The same migration exists for SQLite and PostgreSQL; only the
-- float type differs.

CREATE TABLE taxonomy_meta (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

CREATE TABLE isco_groups (
    code TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_fi TEXT,
    label_sv TEXT,
    parent_code TEXT
);

CREATE TABLE esco_occupations (
    uri TEXT PRIMARY KEY,
    esco_code TEXT NOT NULL,
    isco_code TEXT NOT NULL,
    label_en TEXT NOT NULL,
    label_fi TEXT,
    label_sv TEXT,
    alt_labels_en TEXT NOT NULL,
    description_en TEXT NOT NULL,
    broader_uri TEXT
);
CREATE INDEX esco_occupations_isco ON esco_occupations (isco_code);

CREATE TABLE esco_skills (
    uri TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_fi TEXT,
    label_sv TEXT,
    alt_labels_en TEXT NOT NULL,
    n_essential INTEGER NOT NULL,
    n_optional INTEGER NOT NULL
);

CREATE TABLE esco_occupation_skills (
    occupation_uri TEXT NOT NULL,
    skill_uri TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('essential', 'optional')),
    PRIMARY KEY (occupation_uri, skill_uri)
);

CREATE TABLE esco_skill_relations (
    from_uri TEXT NOT NULL,
    to_uri TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('essential', 'optional')),
    PRIMARY KEY (from_uri, to_uri)
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    region_code TEXT NOT NULL,
    sub_region_code TEXT NOT NULL,
    sub_region_name_fi TEXT NOT NULL,
    ely_code TEXT NOT NULL,
    ely_abbr TEXT NOT NULL,
    population BIGINT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL
);

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    population BIGINT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL
);

CREATE TABLE industries (
    code TEXT PRIMARY KEY,
    level INTEGER NOT NULL,
    parent_code TEXT,
    label_en TEXT NOT NULL,
    label_fi TEXT,
    label_sv TEXT
);
