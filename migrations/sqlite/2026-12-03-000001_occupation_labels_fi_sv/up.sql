-- Finnish and Swedish alternative labels (hidden labels included) and
-- Finnish descriptions of ESCO occupations, from the official per-language
-- exports (occupations_fi.csv, occupations_sv.csv). Rows imported before
-- this migration lack them, so the taxonomy is cleared: the next start
-- re-imports the shipped export (an operator who imported their own runs
-- `kohtaanto import taxonomy` again). Nothing references these tables by
-- foreign key.
ALTER TABLE esco_occupations ADD COLUMN alt_labels_fi TEXT NOT NULL DEFAULT '';
ALTER TABLE esco_occupations ADD COLUMN alt_labels_sv TEXT NOT NULL DEFAULT '';
ALTER TABLE esco_occupations ADD COLUMN description_fi TEXT NOT NULL DEFAULT '';
DELETE FROM esco_skill_relations;
DELETE FROM esco_occupation_skills;
DELETE FROM esco_skills;
DELETE FROM esco_occupations;
DELETE FROM isco_groups;
DELETE FROM taxonomy_meta;
