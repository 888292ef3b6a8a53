-- rapport schema, PostgreSQL dialect. Times are Unix milliseconds (UTC) in
-- BIGINT columns in both dialects, so ordering and precision are the same.

CREATE TABLE accounts (
    id          BIGSERIAL PRIMARY KEY,
    email       TEXT    NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE contacts (
    id                BIGSERIAL PRIMARY KEY,
    account_id        BIGINT NOT NULL REFERENCES accounts(id),
    email             TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    company           TEXT    NOT NULL DEFAULT '',
    role              TEXT    NOT NULL DEFAULT '',
    connection        TEXT    NOT NULL DEFAULT '',
    referred_by       TEXT    NOT NULL DEFAULT '',
    timezone          TEXT    NOT NULL DEFAULT '',
    notes             TEXT    NOT NULL DEFAULT '',
    custom            TEXT    NOT NULL DEFAULT '{}',
    status            TEXT    NOT NULL,
    status_changed_at BIGINT NOT NULL,
    status_reason     TEXT    NOT NULL DEFAULT '',
    next_action       TEXT    NOT NULL DEFAULT '',
    next_action_at    BIGINT,
    snoozed_until     BIGINT,
    resume_status     TEXT    NOT NULL DEFAULT '',
    followups_sent    BIGINT NOT NULL DEFAULT 0,
    last_exchange_at  BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (account_id, email)
);
CREATE INDEX contacts_status ON contacts (account_id, status);
CREATE INDEX contacts_next_action ON contacts (account_id, next_action_at);

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    contact_id  BIGINT REFERENCES contacts(id),
    at          BIGINT NOT NULL,
    type        TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    message_id  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX events_contact ON events (contact_id, at);

-- messages holds mail in both directions: the outbox (planned, queued,
-- in flight, sent, in doubt, failed), drafts rapport appended, and inbound
-- mail it has processed.
CREATE TABLE messages (
    id               BIGSERIAL PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts(id),
    contact_id       BIGINT REFERENCES contacts(id),
    direction        TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    in_reply_to      TEXT    NOT NULL DEFAULT '',
    refs             TEXT    NOT NULL DEFAULT '',
    subject          TEXT    NOT NULL DEFAULT '',
    from_addr        TEXT    NOT NULL DEFAULT '',
    to_addr          TEXT    NOT NULL DEFAULT '',
    raw              BYTEA,
    planned_at       BIGINT,
    next_attempt_at  BIGINT,
    attempts         BIGINT NOT NULL DEFAULT 0,
    sent_at          BIGINT,
    last_error       TEXT    NOT NULL DEFAULT '',
    mailbox          TEXT    NOT NULL DEFAULT '',
    uidvalidity      BIGINT NOT NULL DEFAULT 0,
    uid              BIGINT NOT NULL DEFAULT 0,
    classification   TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (account_id, message_id)
);
CREATE INDEX messages_due ON messages (account_id, state, planned_at);
CREATE INDEX messages_contact ON messages (contact_id);

-- thread_ids is every Message-ID known to belong to a contact's thread:
-- ours, rewritten ones reported by the provider, the user's own replies.
CREATE TABLE thread_ids (
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    message_id  TEXT    NOT NULL,
    contact_id  BIGINT NOT NULL REFERENCES contacts(id),
    source      TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, message_id)
);

CREATE TABLE sync_state (
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    mailbox     TEXT    NOT NULL,
    uidvalidity BIGINT NOT NULL,
    last_uid    BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, mailbox)
);

CREATE TABLE suppressions (
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    email       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    message_id  TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, email)
);

CREATE TABLE meetings (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    contact_id    BIGINT NOT NULL REFERENCES contacts(id),
    starts_at     BIGINT NOT NULL,
    duration_min  BIGINT NOT NULL DEFAULT 30,
    format        TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL,
    source        TEXT    NOT NULL DEFAULT '',
    notes         TEXT    NOT NULL DEFAULT '',
    message_id    TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX meetings_contact ON meetings (contact_id, starts_at);

-- once records jobs that must happen exactly once (a week's digest, an
-- owner command by Message-ID, a draft for a given purpose).
CREATE TABLE once (
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    key         TEXT    NOT NULL,
    result      TEXT    NOT NULL DEFAULT '',
    done_at     BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
