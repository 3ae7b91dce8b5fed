DROP INDEX vacancies_fingerprint;
ALTER TABLE vacancies DROP COLUMN fingerprint;
