-- Asterisk realtime tables the reconciler writes, minimal columns, for the bundled lab.
-- Derived from Asterisk 22's alembic schema (contrib/ast-db-manage, config branch):
-- column names and sizes as there; PostgreSQL enum types become VARCHAR + CHECK.
-- Real PBXs use the schema their Asterisk created; the reconciler only needs these columns.
CREATE TABLE IF NOT EXISTS ps_endpoints (
  id VARCHAR(255) NOT NULL UNIQUE,
  transport VARCHAR(40),
  aors VARCHAR(2048),
  auth VARCHAR(255),
  context VARCHAR(40),
  disallow VARCHAR(200),
  allow VARCHAR(200),
  direct_media VARCHAR(5) CHECK (direct_media IN ('0','1','off','on','false','true','no','yes')),
  dtmf_mode VARCHAR(9),
  force_rport VARCHAR(5) CHECK (force_rport IN ('0','1','off','on','false','true','no','yes')),
  mailboxes VARCHAR(40),
  rewrite_contact VARCHAR(5) CHECK (rewrite_contact IN ('0','1','off','on','false','true','no','yes')),
  rtp_symmetric VARCHAR(5) CHECK (rtp_symmetric IN ('0','1','off','on','false','true','no','yes')),
  callerid VARCHAR(40),
  callerid_tag VARCHAR(40),
  accountcode VARCHAR(80),
  set_var TEXT
);
CREATE TABLE IF NOT EXISTS ps_aors (
  id VARCHAR(255) NOT NULL UNIQUE,
  contact VARCHAR(255),
  mailboxes VARCHAR(80),
  voicemail_extension VARCHAR(40),
  max_contacts INTEGER,
  remove_existing VARCHAR(5) CHECK (remove_existing IN ('0','1','off','on','false','true','no','yes'))
);
CREATE TABLE IF NOT EXISTS ps_auths (
  id VARCHAR(255) NOT NULL UNIQUE,
  auth_type VARCHAR(12) CHECK (auth_type IN ('md5','userpass','google_oauth')),
  password VARCHAR(80),
  username VARCHAR(40)
);
CREATE TABLE IF NOT EXISTS extensions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  context VARCHAR(40) NOT NULL,
  exten VARCHAR(40) NOT NULL,
  priority INTEGER NOT NULL,
  app VARCHAR(40) NOT NULL,
  appdata VARCHAR(256) NOT NULL,
  UNIQUE (context, exten, priority)
);
CREATE TABLE IF NOT EXISTS voicemail (
  uniqueid INTEGER PRIMARY KEY AUTOINCREMENT,
  context VARCHAR(80) NOT NULL,
  mailbox VARCHAR(80) NOT NULL,
  password VARCHAR(80) NOT NULL,
  fullname VARCHAR(80),
  email VARCHAR(80),
  attach VARCHAR(3) CHECK (attach IN ('yes','no')),
  tz VARCHAR(30)
);
CREATE INDEX IF NOT EXISTS voicemail_mailbox_context ON voicemail (mailbox, context);
CREATE TABLE IF NOT EXISTS cdr (
  accountcode VARCHAR(80), src VARCHAR(80), dst VARCHAR(80), dcontext VARCHAR(80),
  clid VARCHAR(80), channel VARCHAR(80), dstchannel VARCHAR(80), lastapp VARCHAR(80),
  lastdata VARCHAR(80), start TIMESTAMP, answer TIMESTAMP, "end" TIMESTAMP,
  duration INTEGER, billsec INTEGER, disposition VARCHAR(45), amaflags VARCHAR(45),
  userfield VARCHAR(256), uniqueid VARCHAR(150), linkedid VARCHAR(150),
  peeraccount VARCHAR(80), sequence INTEGER
);
