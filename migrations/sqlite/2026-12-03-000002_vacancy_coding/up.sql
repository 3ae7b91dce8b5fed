-- How a vacancy's occupation was coded from its text, when the coder did
-- it: 'coded' (confident enough: occupation_uri was set) or 'needs_review'
-- (the coder abstained; an adviser or the owner chooses from the
-- suggestions). No row: the owner or the feed named the occupation.
-- suggestions: JSON list of {uri, isco_code, label_en, label_fi, label_sv,
-- confidence}, best first.
CREATE TABLE vacancy_coding (
    vacancy_id BIGINT PRIMARY KEY REFERENCES vacancies (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('coded', 'needs_review')),
    confidence REAL NOT NULL,
    suggestions TEXT NOT NULL,
    coded_at TIMESTAMP NOT NULL
);
CREATE INDEX vacancy_coding_status ON vacancy_coding (status);
