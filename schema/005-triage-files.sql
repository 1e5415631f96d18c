-- tether database schema, step 5: the triage files (stack texts and cores)
-- that the daemon keeps, so that they can be listed, bounded in space and
-- removed with the targets they belong to. When retention deletes a target,
-- its files' rows move to triage_removed, where the daemon finds the paths
-- to remove from the disk.
CREATE TABLE triage_files (
	id INTEGER PRIMARY KEY,
	target_id INTEGER NOT NULL REFERENCES targets (id),
	kind TEXT NOT NULL CHECK (kind IN ('text', 'core')),
	path TEXT NOT NULL UNIQUE,
	bytes INTEGER NOT NULL,
	uid INTEGER NOT NULL,
	compression TEXT,
	created_at REAL NOT NULL
);
CREATE INDEX triage_files_target ON triage_files (target_id);
CREATE TABLE triage_removed (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL
);
CREATE TRIGGER triage_files_pruned BEFORE DELETE ON targets
BEGIN
	INSERT INTO triage_removed (path)
	    SELECT path FROM triage_files WHERE target_id = OLD.id;
	DELETE FROM triage_files WHERE target_id = OLD.id;
END;
