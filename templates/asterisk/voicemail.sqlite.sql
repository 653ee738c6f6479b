-- Asterisk's `voicemail` realtime table for SQLite, translated from Asterisk 22's alembic
-- schema (PostgreSQL: yes_no_values enum -> VARCHAR(3) + CHECK, serial -> AUTOINCREMENT).
-- Asterisk ships no SQLite schema; tests load this beside the PJSIP/extensions tables.
CREATE TABLE IF NOT EXISTS voicemail (
  uniqueid INTEGER PRIMARY KEY AUTOINCREMENT,
  context VARCHAR(80) NOT NULL,
  mailbox VARCHAR(80) NOT NULL,
  password VARCHAR(80) NOT NULL,
  fullname VARCHAR(80),
  alias VARCHAR(80),
  email VARCHAR(80),
  pager VARCHAR(80),
  attach VARCHAR(3) CHECK (attach IN ('yes','no')),
  attachfmt VARCHAR(10),
  serveremail VARCHAR(80),
  language VARCHAR(20),
  tz VARCHAR(30),
  deletevoicemail VARCHAR(3) CHECK (deletevoicemail IN ('yes','no')),
  saycid VARCHAR(3) CHECK (saycid IN ('yes','no')),
  sendvoicemail VARCHAR(3) CHECK (sendvoicemail IN ('yes','no')),
  review VARCHAR(3) CHECK (review IN ('yes','no')),
  tempgreetwarn VARCHAR(3) CHECK (tempgreetwarn IN ('yes','no')),
  operator VARCHAR(3) CHECK (operator IN ('yes','no')),
  envelope VARCHAR(3) CHECK (envelope IN ('yes','no')),
  sayduration INTEGER,
  forcename VARCHAR(3) CHECK (forcename IN ('yes','no')),
  forcegreetings VARCHAR(3) CHECK (forcegreetings IN ('yes','no')),
  callback VARCHAR(80),
  dialout VARCHAR(80),
  exitcontext VARCHAR(80),
  maxmsg INTEGER,
  volgain NUMERIC(5,2),
  imapuser VARCHAR(80),
  imappassword VARCHAR(80),
  imapserver VARCHAR(80),
  imapport VARCHAR(8),
  imapflags VARCHAR(80),
  stamp TIMESTAMP
);
CREATE INDEX IF NOT EXISTS voicemail_context ON voicemail (context);
CREATE INDEX IF NOT EXISTS voicemail_mailbox ON voicemail (mailbox);
CREATE INDEX IF NOT EXISTS voicemail_mailbox_context ON voicemail (mailbox, context);
