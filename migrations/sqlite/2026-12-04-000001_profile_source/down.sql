DROP INDEX profiles_office_activity;
DROP INDEX profiles_source;
ALTER TABLE profiles DROP COLUMN source_id;
ALTER TABLE profiles DROP COLUMN source;
