-- tether database schema, step 1: sessions, their targets, and debug events.
-- Times are Unix epoch seconds with fractions (REAL), except targets.start_time.
-- Applied by tetherd in one transaction; afterwards PRAGMA user_version = 1.
-- schema/README.md documents every table and column for sqlite3 users.

-- A named group of targets. A session with no live target is dormant; it
-- stays, keeps its history, and can take new targets.
CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,	-- row id, referred to by targets and events
	name		TEXT NOT NULL UNIQUE,	-- "default", or the name given with tetherctl -s
	created_at	REAL NOT NULL		-- when the session was first used
);

-- Every process that ever joined a session, live or not. Rows are never
-- deleted: a target that ends keeps its row with its final state.
CREATE TABLE targets (
	id		INTEGER PRIMARY KEY,	-- row id, referred to by events and by child targets
	session_id	INTEGER NOT NULL REFERENCES sessions (id),
	ordinal		INTEGER NOT NULL CHECK (ordinal >= 0),
					-- the N of |N: 0, 1, 2... in the order targets
					-- joined the session, never reused in it
	pid		INTEGER NOT NULL,	-- system process id (pids are reused: see start_time)
	start_time	INTEGER NOT NULL,	-- process start in clock ticks since boot
					-- (/proc/PID/stat field 22); with pid, the identity
	how		TEXT NOT NULL CHECK (how IN ('create', 'attach', 'child')),
					-- started by .create, taken by .attach, or gathered
					-- as the child of a target in child-debug mode
	parent_id	INTEGER REFERENCES targets (id),
					-- the target that forked this one (how = 'child'), else NULL
	uid		INTEGER NOT NULL,	-- real user id of the process when it joined
	exe		TEXT,			-- executable path (/proc/PID/exe), updated on exec;
					-- NULL when it could not be read
	cmdline		TEXT,			-- arguments joined by spaces, updated on exec
	state		TEXT NOT NULL CHECK (state IN ('running', 'stopped', 'exited', 'killed',
			    'detached', 'abandoned', 'lost')),
					-- running / stopped: live, under the daemon;
					-- exited: ended by itself; killed: ended by .kill or q;
					-- detached: let go, left running; abandoned: let go,
					-- left stopped; lost: the daemon lost track of it
					-- (it restarted and the process was gone or not the same)
	childdbg	INTEGER NOT NULL DEFAULT 0 CHECK (childdbg IN (0, 1)),
					-- 1: the children it forks join the session
	exit_code	INTEGER,		-- exit status when it exited normally, else NULL
	exit_signal	INTEGER,		-- number of the signal that ended it, else NULL
	joined_at	REAL NOT NULL,		-- when it joined the session
	ended_at	REAL,			-- when it left the daemon's hands; NULL while live
	UNIQUE (session_id, ordinal)
);

-- Live targets are looked up by state (at start, to re-check them), while
-- ended ones pile up.
CREATE INDEX targets_state ON targets (state);

-- Everything that happened to a session's targets, one row per event.
CREATE TABLE events (
	id		INTEGER PRIMARY KEY,	-- increasing: the order events were recorded in
	session_id	INTEGER NOT NULL REFERENCES sessions (id),
	target_id	INTEGER REFERENCES targets (id),
					-- the target it happened to; NULL for a session event
	at		REAL NOT NULL,		-- when it happened
	kind		TEXT NOT NULL,		-- a short word: create, attach, child, exec, signal,
					-- exit, detach, kill, abandon, adopt, lost...
	detail		TEXT			-- JSON text with what else the kind needs, e.g.
					-- {"signal":10}, {"code":0}, {"exe":"/bin/true"}; or NULL
);

-- "events" shows a session's latest events; history queries go by target.
CREATE INDEX events_session ON events (session_id, id);
CREATE INDEX events_target ON events (target_id);
