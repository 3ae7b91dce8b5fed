-- Where an imported profile came from: the employment office's customer
-- system (`source`) and the customer's id in it (`source_id`). Re-importing
-- a file updates the profile with the same pair instead of adding another
-- (`kohtaanto import profiles`, docs/import.md). NULL for profiles written
-- through the API.
ALTER TABLE profiles ADD COLUMN source TEXT;
ALTER TABLE profiles ADD COLUMN source_id TEXT;
CREATE UNIQUE INDEX profiles_source ON profiles (source, source_id);
-- An office's profiles by last activity (retention).
CREATE INDEX profiles_office_activity ON profiles (managing_org_id, last_active_at);
