-- tether database schema, step 8: the logs of created targets go with their
-- targets. A created target's output is the file SESSION-ORDINAL.log in the
-- daemon's log directory (and its rotations, .1, .2 ...); when retention
-- deletes the target, its log's name moves to logs_removed, where the daemon
-- finds the files to remove from the disk.
CREATE TABLE logs_removed (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL
);
CREATE TRIGGER target_logs_pruned BEFORE DELETE ON targets
WHEN OLD.how = 'create'
BEGIN
	INSERT INTO logs_removed (path)
	    SELECT name || '-' || OLD.ordinal || '.log' FROM sessions
	    WHERE id = OLD.session_id;
END;
