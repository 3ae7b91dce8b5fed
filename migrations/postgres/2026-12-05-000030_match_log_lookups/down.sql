DROP INDEX match_log_at;
DROP INDEX match_log_config;
DROP INDEX match_log_subject;
DROP INDEX match_log_request;
