-- All of rapport's SQL, in named blocks loaded at start-up (see
-- loadQueries). Placeholders are written as ? and rebound per dialect.
-- Times are Unix milliseconds.

-- name: account-get
SELECT id FROM accounts WHERE email = ?;

-- name: account-insert
INSERT INTO accounts (email, created_at) VALUES (?, ?)
ON CONFLICT (email) DO NOTHING;

-- name: contact-insert
INSERT INTO contacts (account_id, email, name, company, role, connection, referred_by, timezone, notes, custom,
                      status, status_changed_at, status_reason, next_action, next_action_at,
                      created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: contact-update-fields
UPDATE contacts SET name = ?, company = ?, role = ?, connection = ?, referred_by = ?, timezone = ?, notes = ?,
                    custom = ?, updated_at = ?
WHERE id = ?;

-- name: contact-by-email
SELECT * FROM contacts WHERE account_id = ? AND email = ?;

-- name: contact-by-id
SELECT * FROM contacts WHERE id = ?;

-- name: contacts-all
SELECT * FROM contacts WHERE account_id = ? ORDER BY created_at, id;

-- name: contacts-by-status
SELECT * FROM contacts WHERE account_id = ? AND status = ? ORDER BY created_at, id;

-- name: contacts-due
SELECT * FROM contacts
WHERE account_id = ? AND next_action_at IS NOT NULL AND next_action_at <= ? AND next_action <> ''
ORDER BY next_action_at, id;

-- name: contact-set-status
UPDATE contacts SET status = ?, status_changed_at = ?, status_reason = ?, next_action = ?, next_action_at = ?,
                    snoozed_until = ?, resume_status = ?, updated_at = ?
WHERE id = ? AND status = ?;

-- name: contact-set-next
UPDATE contacts SET next_action = ?, next_action_at = ?, updated_at = ? WHERE id = ?;

-- name: contact-set-followups
UPDATE contacts SET followups_sent = ?, updated_at = ? WHERE id = ?;

-- name: contact-set-exchange
UPDATE contacts SET last_exchange_at = ?, updated_at = ? WHERE id = ?;

-- name: contact-count-by-status
SELECT status, COUNT(*) AS n FROM contacts WHERE account_id = ? GROUP BY status;

-- name: event-insert
INSERT INTO events (account_id, contact_id, at, type, from_status, to_status, detail, message_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: events-by-contact
SELECT id, contact_id, at, type, from_status, to_status, detail, message_id
FROM events WHERE contact_id = ? ORDER BY at, id;

-- name: suppression-insert
INSERT INTO suppressions (account_id, email, reason, message_id, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (account_id, email) DO NOTHING;

-- name: suppression-get
SELECT reason FROM suppressions WHERE account_id = ? AND email = ?;

-- name: suppressions-all
SELECT email, reason, message_id, created_at FROM suppressions WHERE account_id = ? ORDER BY created_at;

-- name: checkpoint-get
SELECT uidvalidity, last_uid FROM sync_state WHERE account_id = ? AND mailbox = ?;

-- name: checkpoint-set
INSERT INTO sync_state (account_id, mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (account_id, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
                                               updated_at = excluded.updated_at;

-- name: checkpoints-all
SELECT mailbox, uidvalidity, last_uid, updated_at FROM sync_state WHERE account_id = ? ORDER BY mailbox;

-- name: once-insert
INSERT INTO once (account_id, key, result, done_at) VALUES (?, ?, ?, ?)
ON CONFLICT (account_id, key) DO NOTHING;

-- name: once-get
SELECT result FROM once WHERE account_id = ? AND key = ?;

-- name: message-insert
INSERT INTO messages (account_id, contact_id, direction, kind, state, message_id, in_reply_to, refs, subject,
                      from_addr, to_addr, raw, planned_at, next_attempt_at, attempts, sent_at, last_error,
                      mailbox, uidvalidity, uid, classification, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: message-by-id
SELECT * FROM messages WHERE id = ?;

-- name: message-by-message-id
SELECT * FROM messages WHERE account_id = ? AND message_id = ?;

-- name: messages-due
SELECT * FROM messages
WHERE account_id = ? AND direction = 'out' AND state = 'queued'
  AND COALESCE(next_attempt_at, planned_at) <= ?
ORDER BY COALESCE(next_attempt_at, planned_at), id
LIMIT ?;

-- name: messages-in-state
SELECT * FROM messages WHERE account_id = ? AND state = ? ORDER BY id;

-- name: messages-by-contact
SELECT * FROM messages WHERE contact_id = ? ORDER BY created_at, id;

-- name: message-transition
UPDATE messages SET state = ?, attempts = ?, next_attempt_at = ?, sent_at = ?, last_error = ?, updated_at = ?
WHERE id = ? AND state = ?;

-- name: message-set-planned
UPDATE messages SET planned_at = ?, updated_at = ? WHERE id = ?;

-- name: message-set-location
UPDATE messages SET mailbox = ?, uidvalidity = ?, uid = ?, updated_at = ? WHERE id = ?;

-- name: message-planned-between
SELECT COALESCE(sent_at, next_attempt_at, planned_at) FROM messages
WHERE account_id = ? AND direction = 'out' AND kind = ? AND state IN ('queued', 'sending', 'in_flight', 'sent', 'in_doubt')
  AND COALESCE(sent_at, next_attempt_at, planned_at) >= ? AND COALESCE(sent_at, next_attempt_at, planned_at) < ?;

-- name: message-count-by-state
SELECT state, COUNT(*) AS n FROM messages WHERE account_id = ? AND direction = 'out' GROUP BY state;

-- name: message-by-location
SELECT * FROM messages WHERE account_id = ? AND mailbox = ? AND uidvalidity = ? AND uid = ?;

-- name: thread-insert
INSERT INTO thread_ids (account_id, message_id, contact_id, source, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (account_id, message_id) DO NOTHING;

-- name: thread-contact
SELECT contact_id FROM thread_ids WHERE account_id = ? AND message_id = ?;

-- name: thread-contact-fold
SELECT contact_id FROM thread_ids WHERE account_id = ? AND LOWER(message_id) = LOWER(?);

-- name: meeting-insert
INSERT INTO meetings (account_id, contact_id, starts_at, duration_min, format, state, source, notes, message_id,
                      created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: meeting-by-id
SELECT * FROM meetings WHERE id = ?;

-- name: meetings-by-contact
SELECT * FROM meetings WHERE contact_id = ? ORDER BY starts_at, id;

-- name: meetings-in-state
SELECT * FROM meetings WHERE account_id = ? AND state = ? ORDER BY starts_at, id;

-- name: meeting-set-state
UPDATE meetings SET state = ?, updated_at = ? WHERE id = ? AND state = ?;

-- name: meeting-set-notes
UPDATE meetings SET notes = ?, updated_at = ? WHERE id = ?;
