-- Core entities of Kohtaanto (DESIGN.md "Core entities"). The same migration
-- exists for SQLite and PostgreSQL; only the id and float types differ.

CREATE TABLE organizations (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('employment_office', 'agency', 'employer', 'ministry', 'operator')),
    name TEXT NOT NULL,
    business_id TEXT,
    municipality_code TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations (id),
    role TEXT NOT NULL CHECK (role IN ('adviser', 'recruiter', 'employer', 'analyst', 'admin')),
    label TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_org ON api_tokens (org_id);

CREATE TABLE vacancies (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    owner_org_id BIGINT NOT NULL REFERENCES organizations (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    ad_language TEXT NOT NULL,
    employer_name TEXT,
    occupation_uri TEXT,
    isco_code TEXT,
    industry_code TEXT,
    municipality_code TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    remote TEXT NOT NULL CHECK (remote IN ('none', 'hybrid', 'full')),
    work_time TEXT NOT NULL CHECK (work_time IN ('full_time', 'part_time')),
    contract_type TEXT NOT NULL CHECK (contract_type IN ('permanent', 'fixed_term', 'seasonal', 'apprenticeship')),
    positions INTEGER NOT NULL CHECK (positions > 0),
    salary_min_eur INTEGER,
    salary_max_eur INTEGER,
    start_date DATE,
    expires_at TIMESTAMP,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'hidden', 'shared')),
    status TEXT NOT NULL CHECK (status IN ('open', 'filled', 'closed')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX vacancies_owner ON vacancies (owner_org_id);
CREATE INDEX vacancies_status ON vacancies (status);

CREATE TABLE vacancy_skills (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    skill_uri TEXT,
    label TEXT NOT NULL,
    importance TEXT NOT NULL CHECK (importance IN ('essential', 'nice_to_have')),
    PRIMARY KEY (vacancy_id, position)
);
CREATE INDEX vacancy_skills_skill ON vacancy_skills (skill_uri);

CREATE TABLE vacancy_languages (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    hard BOOLEAN NOT NULL,
    PRIMARY KEY (vacancy_id, language)
);

CREATE TABLE vacancy_licences (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    licence TEXT NOT NULL,
    hard BOOLEAN NOT NULL,
    PRIMARY KEY (vacancy_id, licence)
);

CREATE TABLE vacancy_certificates (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    certificate TEXT NOT NULL,
    hard BOOLEAN NOT NULL,
    PRIMARY KEY (vacancy_id, certificate)
);

CREATE TABLE vacancy_shares (
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    agency_org_id BIGINT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (vacancy_id, agency_org_id)
);

-- Matching fields only: contact details live in profile_contacts.
CREATE TABLE profiles (
    id BIGSERIAL PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE,
    managing_org_id BIGINT NOT NULL REFERENCES organizations (id),
    home_municipality_code TEXT,
    abroad_country TEXT,
    max_commute_km INTEGER NOT NULL CHECK (max_commute_km >= 0),
    relocation TEXT NOT NULL CHECK (relocation IN ('none', 'regions', 'nationwide')),
    remote_preference TEXT NOT NULL CHECK (remote_preference IN ('onsite', 'hybrid', 'remote', 'any')),
    education_level INTEGER,
    education_field TEXT,
    work_time_preference TEXT NOT NULL CHECK (work_time_preference IN ('full_time', 'part_time', 'any')),
    available_from DATE,
    consent_agencies BOOLEAN NOT NULL,
    consent_expires_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'placed')),
    last_active_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX profiles_managing_org ON profiles (managing_org_id);

CREATE TABLE profile_contacts (
    profile_id BIGINT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    full_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    notes TEXT
);

CREATE TABLE profile_skills (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    skill_uri TEXT,
    label TEXT NOT NULL,
    PRIMARY KEY (profile_id, position)
);
CREATE INDEX profile_skills_skill ON profile_skills (skill_uri);

CREATE TABLE profile_desired_occupations (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    occupation_uri TEXT NOT NULL,
    PRIMARY KEY (profile_id, occupation_uri)
);

CREATE TABLE profile_work_history (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    occupation_uri TEXT,
    title TEXT NOT NULL,
    years DOUBLE PRECISION NOT NULL CHECK (years >= 0),
    PRIMARY KEY (profile_id, position)
);

CREATE TABLE profile_languages (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (profile_id, language)
);

CREATE TABLE profile_licences (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    licence TEXT NOT NULL,
    PRIMARY KEY (profile_id, licence)
);

CREATE TABLE profile_certificates (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    certificate TEXT NOT NULL,
    PRIMARY KEY (profile_id, certificate)
);

CREATE TABLE profile_relocation_regions (
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    PRIMARY KEY (profile_id, region_code)
);

-- A change situation: the laid-off group of one employer.
CREATE TABLE cohorts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    employer_name TEXT NOT NULL,
    created_by_org_id BIGINT NOT NULL REFERENCES organizations (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE cohort_members (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, profile_id)
);

-- An adviser introduced a candidate to a vacancy; only then may the employer see them.
CREATE TABLE introductions (
    id BIGSERIAL PRIMARY KEY,
    vacancy_id BIGINT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    profile_id BIGINT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    adviser_org_id BIGINT NOT NULL REFERENCES organizations (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (vacancy_id, profile_id)
);

-- Written in the same transaction as every vacancy/profile change; the index
-- applies it in id order.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('vacancy', 'profile')),
    entity_id BIGINT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Hash-chained: hash = sha256(prev_hash || canonical event).
CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    org_id BIGINT,
    token_id BIGINT,
    role TEXT,
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    reason TEXT,
    request_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

CREATE TABLE match_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    request_id TEXT NOT NULL,
    org_id BIGINT,
    token_id BIGINT,
    direction TEXT NOT NULL,
    subject_id BIGINT,
    config_hash TEXT NOT NULL,
    taxonomy_version TEXT NOT NULL,
    request_json TEXT NOT NULL,
    results_json TEXT NOT NULL
);
