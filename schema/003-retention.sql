-- tether database schema, step 3: what retention (pruning of old history)
-- and the history and events queries need.

-- Ordinals are never reused in a session, even once retention has deleted
-- the targets that had the highest ones: before it deletes targets,
-- retention raises this to one more than the highest ordinal the session
-- ever gave. A new target gets the greater of this and MAX(ordinal) + 1.
ALTER TABLE sessions ADD COLUMN next_ordinal INTEGER NOT NULL DEFAULT 0 CHECK (next_ordinal >= 0);

-- Retention goes through ended targets oldest first, and deletes a target
-- only once no other target names it as its parent.
CREATE INDEX targets_ended ON targets (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX targets_parent ON targets (parent_id) WHERE parent_id IS NOT NULL;

-- Events of the session itself (no target) are pruned by their age.
CREATE INDEX events_session_only ON events (at) WHERE target_id IS NULL;
