-- The engine: the scheduler finds due work by indexed queries only, and
-- meetings carry what invitations need.

-- Due timers: MIN(next_action_at) per timer action, and the due contacts.
CREATE INDEX contacts_timers ON contacts (account_id, next_action, next_action_at);

-- Sent mail not yet filed in Sent, in-doubt and drafted rows: by state.
CREATE INDEX messages_state ON messages (account_id, state, mailbox);
-- Mail to the owner in the last hour (the circuit breaker).
CREATE INDEX messages_created ON messages (account_id, direction, created_at);

ALTER TABLE messages ADD COLUMN meeting_id INTEGER NOT NULL DEFAULT 0;

ALTER TABLE meetings ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN prepared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
CREATE INDEX meetings_state ON meetings (account_id, state, starts_at);
