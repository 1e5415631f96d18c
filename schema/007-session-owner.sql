-- tether database schema, step 7: every session has an owner, the uid of
-- the client whose request made it (the daemon's own uid for sessions its
-- configuration makes). Its settings, its selection, q and qd, and what it
-- shows (|*, events, history) are its owner's and root's only. Sessions made
-- before this step belong to root.
ALTER TABLE sessions ADD COLUMN owner INTEGER NOT NULL DEFAULT 0 CHECK (owner >= 0);
