-- The least time-in-stage asks of SQLite, as one query: every lifecycle visit as the
-- lifecycle_visits cache holds it (the seconds until the next move, or until NOW while open),
-- summed per stage in the order of the cache's stage index.
-- Less than the report does: no median, no pipeline stages, merged contacts not left out.
SELECT stage, count(*) AS visits,
       sum(coalesce(seconds, 1769731200 - strftime('%s', substr(entered_at, 1, 19)))) AS seconds
FROM lifecycle_visits
WHERE workspace_id = (SELECT id FROM workspaces WHERE name = 'default')
GROUP BY stage
