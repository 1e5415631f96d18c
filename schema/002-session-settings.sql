-- tether database schema, step 2: what a session does when a signal reaches
-- one of its targets (the sx commands), and its stop mode.

-- 1: a break event stops every target of the session (all-stop, as the
-- seed debugger does); 0: only the target that caused it (non-stop).
ALTER TABLE sessions ADD COLUMN allstop INTEGER NOT NULL DEFAULT 0 CHECK (allstop IN (0, 1));

-- The signals whose handling was set with sxe, sxd, sxn or sxi. A signal
-- without a row has its default: SEGV, BUS, ILL, FPE, ABRT, SYS and TRAP
-- break (a TRAP the target raised itself is passed), every other notifies.
CREATE TABLE session_signals (
	session_id	INTEGER NOT NULL REFERENCES sessions (id),
	signal		INTEGER NOT NULL CHECK (signal BETWEEN 1 AND 64),
	action		TEXT NOT NULL CHECK (action IN ('break', 'second-chance', 'notify', 'ignore')),
					-- break: hold the target (an outstanding event);
					-- second-chance: break only when the target has no
					-- handler for it; notify: record and deliver;
					-- ignore: deliver, without a row in events
	PRIMARY KEY (session_id, signal)
);
