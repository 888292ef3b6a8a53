-- The weekly digest reads the timeline and the meetings of an account by
-- time: the last eight weeks of events, the meetings of the weeks around.
CREATE INDEX events_account_at ON events (account_id, at);
CREATE INDEX meetings_account_start ON meetings (account_id, starts_at);
