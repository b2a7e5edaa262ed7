-- user_version 1
-- application_id 1229804353
-- journal_mode wal
CREATE INDEX decisions_by_organisation ON decisions (organisation_id, id);
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  organisation_id TEXT NOT NULL,
  organisation_name TEXT NOT NULL,
  outcome TEXT NOT NULL,
  as_of TEXT NOT NULL,
  nations TEXT NOT NULL,
  nations_asked TEXT,
  engine TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  ruleset_sha256 TEXT NOT NULL REFERENCES rulesets (sha256),
  profile_sha256 TEXT NOT NULL REFERENCES profiles (sha256),
  profile_syntax TEXT NOT NULL,
  waivers_sha256 TEXT REFERENCES waiver_files (sha256),
  waivers_name TEXT,
  decision_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE profiles (
  sha256 TEXT PRIMARY KEY,
  content BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE ruleset_files (
  ruleset_sha256 TEXT NOT NULL REFERENCES rulesets (sha256),
  name TEXT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (ruleset_sha256, name)
) WITHOUT ROWID;
CREATE TABLE rulesets (
  sha256 TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  version TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sqlite_sequence(name,seq);
CREATE TABLE waiver_files (
  sha256 TEXT PRIMARY KEY,
  content BLOB NOT NULL
) WITHOUT ROWID;
-- meta format = imsa-eligibility/register
