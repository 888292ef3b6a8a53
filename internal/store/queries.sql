-- All of rapport's SQL, in named blocks loaded at start-up (see
-- loadQueries). Placeholders are written as ? and rebound per dialect.
-- Times are Unix milliseconds.

-- name: account-get
SELECT id FROM accounts WHERE email = ?;

-- name: account-created
SELECT created_at FROM accounts WHERE id = ?;

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

-- The lifecycle timers the scheduler wakes for: model.Timers() less
-- outreach, which the outbox keeps (a test checks the list).
-- name: contacts-due-timers
SELECT * FROM contacts
WHERE account_id = ? AND next_action IN ('followup', 'no_response', 'resume', 'prep', 'met', 'thankyou', 'keepintouch')
  AND next_action_at IS NOT NULL AND next_action_at <= ?
ORDER BY next_action_at, id
LIMIT ?;

-- name: contacts-next-timer
SELECT MIN(next_action_at) FROM contacts
WHERE account_id = ? AND next_action IN ('followup', 'no_response', 'resume', 'prep', 'met', 'thankyou', 'keepintouch')
  AND next_action_at IS NOT NULL;

-- name: contacts-next-timer-of
SELECT MIN(next_action_at) FROM contacts
WHERE account_id = ? AND next_action = ? AND next_action_at IS NOT NULL;

-- name: contacts-due-action
SELECT * FROM contacts
WHERE account_id = ? AND next_action = ? AND next_action_at IS NOT NULL AND next_action_at <= ?
ORDER BY next_action_at, id
LIMIT ?;

-- name: contacts-planned-slots
SELECT next_action_at FROM contacts
WHERE account_id = ? AND next_action = 'outreach' AND status = 'queued' AND next_action_at IS NOT NULL
  AND next_action_at >= ? AND next_action_at < ?;

-- name: contacts-referred-by
SELECT * FROM contacts WHERE account_id = ? AND LOWER(referred_by) = LOWER(?) ORDER BY created_at, id;

-- name: contacts-last-slot
SELECT MAX(next_action_at) FROM contacts WHERE account_id = ? AND next_action = 'outreach' AND status = 'queued';

-- name: contacts-queue
SELECT * FROM contacts
WHERE account_id = ? AND next_action = 'outreach' AND status = 'queued'
ORDER BY next_action_at, created_at, id;

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

-- name: once-set
INSERT INTO once (account_id, key, result, done_at) VALUES (?, ?, ?, ?)
ON CONFLICT (account_id, key) DO UPDATE SET result = excluded.result, done_at = excluded.done_at;

-- name: once-get
SELECT result FROM once WHERE account_id = ? AND key = ?;

-- name: message-insert
INSERT INTO messages (account_id, contact_id, direction, kind, state, message_id, in_reply_to, refs, subject,
                      from_addr, to_addr, raw, planned_at, next_attempt_at, attempts, sent_at, last_error,
                      mailbox, uidvalidity, uid, classification, meeting_id, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

-- name: messages-next-due
SELECT MIN(COALESCE(next_attempt_at, planned_at)) FROM messages
WHERE account_id = ? AND direction = 'out' AND state = 'queued';

-- name: messages-next-due-to
SELECT MIN(COALESCE(next_attempt_at, planned_at)) FROM messages
WHERE account_id = ? AND direction = 'out' AND state = 'queued' AND to_addr = ?;

-- name: messages-unfiled
SELECT * FROM messages
WHERE account_id = ? AND state = 'sent' AND mailbox = '' AND direction = 'out'
ORDER BY id
LIMIT ?;

-- name: messages-pending-drafts
SELECT * FROM messages
WHERE account_id = ? AND direction = 'out' AND ((state = 'drafted' AND mailbox = '') OR state = 'withdraw')
ORDER BY id
LIMIT ?;

-- name: messages-count-in-state
SELECT COUNT(*) FROM messages WHERE account_id = ? AND state = ?;

-- name: messages-to-since
SELECT COUNT(*) FROM messages
WHERE account_id = ? AND direction = 'out' AND to_addr = ? AND created_at >= ?;

-- name: messages-last-sent
SELECT MAX(sent_at) FROM messages
WHERE account_id = ? AND direction = 'out' AND kind = ? AND state IN ('sent', 'in_doubt', 'in_flight');

-- name: messages-meta-by-contact
SELECT id, account_id, contact_id, direction, kind, state, message_id, in_reply_to, refs, subject, from_addr, to_addr,
       NULL AS raw, planned_at, next_attempt_at, attempts, sent_at, last_error, mailbox, uidvalidity, uid,
       classification, meeting_id, created_at, updated_at
FROM messages WHERE contact_id = ? ORDER BY created_at, id;

-- name: messages-by-message-ids
SELECT id, account_id, contact_id, direction, kind, state, message_id, in_reply_to, refs, subject, from_addr, to_addr,
       NULL AS raw, planned_at, next_attempt_at, attempts, sent_at, last_error, mailbox, uidvalidity, uid,
       classification, meeting_id, created_at, updated_at
FROM messages WHERE account_id = ? AND message_id IN (?);

-- name: thread-contacts
SELECT message_id, contact_id FROM thread_ids WHERE account_id = ? AND message_id IN (?);

-- name: contacts-by-emails
SELECT * FROM contacts WHERE account_id = ? AND email IN (?);

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
                      location, uid, sequence, prepared, timezone, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: meeting-set-prepared
UPDATE meetings SET prepared = 1, updated_at = ? WHERE id = ?;

-- name: meeting-update
UPDATE meetings SET starts_at = ?, duration_min = ?, format = ?, location = ?, uid = ?, sequence = ?, timezone = ?,
                    updated_at = ?
WHERE id = ?;

-- name: meetings-scheduled-after
SELECT * FROM meetings WHERE account_id = ? AND state = 'scheduled' AND starts_at >= ? ORDER BY starts_at, id;

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

-- Imports, identities and removal (contacts_import.go). A contact without
-- an address keeps its identity key (a LinkedIn profile, or name and
-- company) in the email column: it never contains "@", so it can never
-- collide with an address or be mailed.

-- name: contact-insert-many
-- The VALUES tuple is repeated once per row of a batch.
INSERT INTO contacts (account_id, email, name, company, role, connection, referred_by, timezone, notes, custom,
                      status, status_changed_at, status_reason, next_action, next_action_at,
                      created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id, email;

-- name: event-insert-many
-- The VALUES tuple is repeated once per row of a batch.
INSERT INTO events (account_id, contact_id, at, type, from_status, to_status, detail, message_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: contact-keys
SELECT id, email FROM contacts WHERE account_id = ? AND email NOT LIKE '%@%';

-- name: contact-set-email
UPDATE contacts SET email = ?, updated_at = ? WHERE id = ?;

-- name: contact-delete
DELETE FROM contacts WHERE id = ?;

-- name: contact-mail-in-flight
SELECT COUNT(*) FROM messages
WHERE contact_id = ? AND direction = 'out' AND state IN ('sending', 'in_flight', 'in_doubt', 'withdraw');

-- name: contact-mail-drop-unsent
DELETE FROM messages WHERE contact_id = ? AND direction = 'out' AND state IN ('queued', 'cancelled', 'failed');

-- name: contact-mail-detach
UPDATE messages SET contact_id = NULL WHERE contact_id = ?;

-- name: contact-mail-delete
DELETE FROM messages WHERE contact_id = ?;

-- name: contact-events-detach
UPDATE events SET contact_id = NULL WHERE contact_id = ?;

-- name: contact-events-delete
DELETE FROM events WHERE contact_id = ?;

-- name: contact-threads-delete
DELETE FROM thread_ids WHERE contact_id = ?;

-- name: contact-meetings-delete
DELETE FROM meetings WHERE contact_id = ?;

-- name: contacts-clear-referrer
UPDATE contacts SET referred_by = '', updated_at = ? WHERE account_id = ? AND referred_by = ?;

-- The weekly digest (digest.go): what the owner has to do this week and
-- the last eight weeks of progress, by indexed queries (0004_digest.sql).

-- name: digest-waiting
-- Messages from contacts the owner should answer (next action 'answer')
-- that came after the last mail the contact got, with the timeline entry
-- that quotes them.
SELECT m.contact_id AS contact_id, m.message_id AS message_id, m.subject AS subject,
       m.classification AS classification, COALESCE(m.sent_at, m.created_at) AS at,
       COALESCE((SELECT e.detail FROM events e
                 WHERE e.contact_id = m.contact_id AND e.message_id = m.message_id AND e.type = 'reply'
                 ORDER BY e.id LIMIT 1), '') AS detail
FROM contacts c JOIN messages m ON m.contact_id = c.id
WHERE c.account_id = ? AND c.next_action = 'answer' AND m.direction = 'in' AND m.kind = 'human'
  AND COALESCE(m.sent_at, m.created_at) > COALESCE((
        SELECT MAX(COALESCE(o.sent_at, o.created_at)) FROM messages o
        WHERE o.contact_id = c.id AND o.direction = 'out' AND o.state = 'sent'
          AND o.kind IN ('outreach', 'followup', 'thankyou', 'keepintouch', 'invite', 'own')), 0)
ORDER BY at, m.id;

-- name: digest-changes
SELECT contact_id, at, type, from_status, to_status FROM events
WHERE account_id = ? AND at >= ? AND at < ? AND (to_status <> from_status OR type = 'reply')
ORDER BY at, id;

-- name: digest-milestones
-- When each contact was first reached (moved to contacted from where a
-- first request starts) and first answered.
SELECT e.contact_id AS contact_id, c.status AS status,
       MIN(CASE WHEN e.to_status = 'contacted' AND e.from_status IN ('', 'queued', 'needs_info', 'suggested')
                THEN e.at END) AS reached,
       MIN(CASE WHEN e.type = 'reply' THEN e.at END) AS answered
FROM events e JOIN contacts c ON c.id = e.contact_id
WHERE e.account_id = ? AND (e.type = 'reply' OR e.to_status = 'contacted')
GROUP BY e.contact_id, c.status;

-- name: digest-meetings
SELECT id, contact_id, starts_at, duration_min, format, state, location, prepared, timezone FROM meetings
WHERE account_id = ? AND starts_at >= ? AND starts_at < ?
ORDER BY starts_at, id;

-- name: digest-meetings-held-before
SELECT COUNT(*) FROM meetings
WHERE account_id = ? AND starts_at < ? AND state IN ('held', 'scheduled', 'confirmed');

-- name: digest-drafts
SELECT contact_id, kind, subject, created_at FROM messages
WHERE account_id = ? AND state = 'drafted' AND contact_id IS NOT NULL
ORDER BY created_at, id;

-- name: digest-outbox
SELECT contact_id, kind, COALESCE(next_attempt_at, planned_at) AS at FROM messages
WHERE account_id = ? AND state = 'queued' AND direction = 'out' AND contact_id IS NOT NULL
  AND planned_at < ? AND kind IN ('outreach', 'followup')
ORDER BY planned_at, id;

-- name: contact-insert-arrays
-- PostgreSQL only: a whole batch in one statement, one array per column.
INSERT INTO contacts (account_id, email, name, company, role, connection, referred_by, timezone, notes, custom,
                      status, status_changed_at, status_reason, next_action, next_action_at,
                      created_at, updated_at)
SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                     ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[],
                     ?::bigint[], ?::bigint[])
RETURNING id, email;

-- name: event-insert-arrays
-- PostgreSQL only: a whole batch in one statement, one array per column.
INSERT INTO events (account_id, contact_id, at, type, from_status, to_status, detail, message_id)
SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]);
