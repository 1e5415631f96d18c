-- tether database schema, step 4: the index on targets.state holds the live
-- targets only. The daemon looks targets up by state only to find the live
-- ones (at start, to re-check them); an index of every state made each
-- child of a fork storm write two more index pages, for rows that pile up
-- as 'exited' and are never looked up by it.
DROP INDEX targets_state;
CREATE INDEX targets_live ON targets (state) WHERE state IN ('running', 'stopped');
