-- Evaluating rankings by outcomes (`kohtaanto evaluate outcomes`) looks
-- rankings up by request id, by the vacancy ranked, and by scoring
-- configuration; without these each lookup scans the whole log.
CREATE INDEX match_log_request ON match_log (request_id);
CREATE INDEX match_log_subject ON match_log (direction, subject_id, at);
CREATE INDEX match_log_config ON match_log (config_hash, at);
CREATE INDEX match_log_at ON match_log (at);
