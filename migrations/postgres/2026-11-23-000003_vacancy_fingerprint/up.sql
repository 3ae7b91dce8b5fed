-- The cross-source duplicate key of a vacancy: employer, title and
-- municipality, lower-cased with diacritics and punctuation folded (computed by
-- `store::vacancies::fingerprint`). NULL for rows written before this
-- migration until `store::vacancies::backfill_fingerprints` fills them in.
ALTER TABLE vacancies ADD COLUMN fingerprint TEXT;
CREATE INDEX vacancies_fingerprint ON vacancies (fingerprint);
