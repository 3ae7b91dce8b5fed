-- Closing the loop (docs/outreach.md, docs/picture.md): the industry of a
-- firm, what became of an introduction, the placements it led to (kept as
-- facts without the person when the profile is erased), employer outreach
-- with its campaigns, and the daily snapshots of the picture's tallies.

-- TOL 2008 industry of an employer (a firm met in outreach).
ALTER TABLE organizations ADD COLUMN industry_code TEXT;
CREATE INDEX organizations_business_id ON organizations (business_id);

-- proposed → contacted → interview → hired | not_hired (reason) | withdrawn.
ALTER TABLE introductions ADD COLUMN status TEXT NOT NULL DEFAULT 'proposed'
    CHECK (status IN ('proposed', 'contacted', 'interview', 'hired', 'not_hired', 'withdrawn'));
ALTER TABLE introductions ADD COLUMN reason TEXT;
ALTER TABLE introductions ADD COLUMN start_date DATE;
ALTER TABLE introductions ADD COLUMN moved_region BOOLEAN;
-- The ranking (match log request id) the candidate was introduced from.
ALTER TABLE introductions ADD COLUMN match_request_id TEXT;
ALTER TABLE introductions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE introductions ADD COLUMN updated_at TIMESTAMP;
UPDATE introductions SET updated_at = created_at;
CREATE INDEX introductions_profile ON introductions (profile_id);
CREATE INDEX introductions_status ON introductions (status);

-- A hire, as the statistics need it: where from, where to, what, when.
-- The person and the vacancy are referred to while they exist; erasing
-- either leaves the anonymous fact.
CREATE TABLE placements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    introduction_id BIGINT UNIQUE REFERENCES introductions (id) ON DELETE SET NULL,
    profile_id BIGINT REFERENCES profiles (id) ON DELETE SET NULL,
    vacancy_id BIGINT REFERENCES vacancies (id) ON DELETE SET NULL,
    adviser_org_id BIGINT NOT NULL REFERENCES organizations (id),
    hired_at TIMESTAMP NOT NULL,
    start_date DATE,
    from_municipality_code TEXT,
    from_region_code TEXT NOT NULL,
    to_municipality_code TEXT,
    to_region_code TEXT NOT NULL,
    occupation_uri TEXT,
    isco_code TEXT,
    industry_code TEXT,
    moved_region BOOLEAN NOT NULL,
    vacancy_created_at TIMESTAMP NOT NULL,
    introductions_to_vacancy INTEGER NOT NULL
);
CREATE INDEX placements_hired_at ON placements (hired_at);
CREATE INDEX placements_profile ON placements (profile_id);

-- A contact campaign (yritysharavointi): nationwide (region_code NULL) or
-- regional, with its list of firms, each assigned to an office.
CREATE TABLE outreach_campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    region_code TEXT,
    starts_on DATE NOT NULL,
    ends_on DATE,
    created_by_org_id BIGINT NOT NULL REFERENCES organizations (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE outreach_campaign_firms (
    campaign_id BIGINT NOT NULL REFERENCES outreach_campaigns (id) ON DELETE CASCADE,
    firm_org_id BIGINT NOT NULL REFERENCES organizations (id),
    office_org_id BIGINT REFERENCES organizations (id),
    PRIMARY KEY (campaign_id, firm_org_id)
);
CREATE INDEX outreach_campaign_firms_office ON outreach_campaign_firms (office_org_id);

-- One contact of an office with a firm, and what was found.
CREATE TABLE outreach_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    firm_org_id BIGINT NOT NULL REFERENCES organizations (id),
    office_org_id BIGINT NOT NULL REFERENCES organizations (id),
    campaign_id BIGINT REFERENCES outreach_campaigns (id) ON DELETE SET NULL,
    contacted_on DATE NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('visit', 'phone', 'email', 'event')),
    no_need BOOLEAN NOT NULL,
    layoff_people INTEGER CHECK (layoff_people > 0),
    layoff_on DATE,
    follow_up_on DATE,
    notes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outreach_contacts_firm ON outreach_contacts (firm_org_id, contacted_on);
CREATE INDEX outreach_contacts_office ON outreach_contacts (office_org_id, contacted_on);
CREATE INDEX outreach_contacts_campaign ON outreach_contacts (campaign_id);

-- A recruitment need found in a contact; vacancy_id once it was turned
-- into a hidden vacancy.
CREATE TABLE outreach_needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id BIGINT NOT NULL REFERENCES outreach_contacts (id) ON DELETE CASCADE,
    occupation_uri TEXT NOT NULL,
    positions INTEGER NOT NULL CHECK (positions > 0),
    needed_by DATE,
    vacancy_id BIGINT REFERENCES vacancies (id) ON DELETE SET NULL
);
CREATE INDEX outreach_needs_contact ON outreach_needs (contact_id);

-- The picture's tallies of one day (JSON; counts, not people).
CREATE TABLE picture_snapshots (
    day DATE PRIMARY KEY,
    taken_at TIMESTAMP NOT NULL,
    tallies TEXT NOT NULL
);
