-- The least time-in-stage asks of SQLite, as one query: every lifecycle move's next move (a
-- window over all moves, per contact in time order) and the seconds between, summed per stage.
-- Less than the report does: no median, no pipeline stages, merged contacts not left out.
WITH visits AS (
    SELECT to_stage,
           strftime('%s', substr(occurred_at, 1, 19)) AS entered_s,
           strftime('%s', substr(lead(occurred_at) OVER (
               PARTITION BY contact_id ORDER BY occurred_at, id), 1, 19)) AS left_s
    FROM lifecycle_transitions
    WHERE workspace_id = (SELECT id FROM workspaces WHERE name = 'default')
)
SELECT to_stage AS stage, count(*) AS visits,
       sum(coalesce(left_s, 1769731200) - entered_s) AS seconds
FROM visits
GROUP BY to_stage
