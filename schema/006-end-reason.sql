-- tether database schema, step 6: why a target ended, in one word a farm
-- can group by, and who ended it when a client did.

-- NULL while the target is live. exit: it exited by itself; crash: a
-- signal that tether did not send ended it; timeout, break-timeout: a
-- limit of tether.conf (timeout, on_break_timeout) ended it, whatever its
-- action (kill, detach, abandon); killed, detached, abandoned: a client's
-- command (.kill, q, .detach, qd, .abandon); shutdown: the daemon let it
-- go when it stopped; lost: see state 'lost'.
ALTER TABLE targets ADD COLUMN reason TEXT CHECK (reason IN ('exit', 'crash',
    'timeout', 'break-timeout', 'killed', 'detached', 'abandoned', 'shutdown',
    'lost'));

-- The uid of the client whose command ended it (killed, detached,
-- abandoned), else NULL.
ALTER TABLE targets ADD COLUMN ended_by INTEGER;

-- Targets that ended before this step: their state and exit columns say
-- most of it; a limit whose action ended the target left a 'timeout'
-- event naming the limit and the action.
UPDATE targets SET reason = CASE
    WHEN state = 'exited' AND exit_signal IS NOT NULL THEN 'crash'
    WHEN state = 'exited' THEN 'exit'
    WHEN state = 'lost' THEN 'lost'
    WHEN state IN ('killed', 'detached', 'abandoned') THEN coalesce(
        (SELECT CASE json_extract(e.detail, '$.limit')
             WHEN 'timeout' THEN 'timeout' ELSE 'break-timeout' END
         FROM events e WHERE e.target_id = targets.id AND e.kind = 'timeout'
           AND json_extract(e.detail, '$.action') IN ('kill', 'detach',
               'abandon', 'dump+kill', 'dump+detach', 'dump+abandon')
         ORDER BY e.id DESC LIMIT 1),
        state)
    END
WHERE state NOT IN ('running', 'stopped');
