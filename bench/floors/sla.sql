-- The least sla asks of SQLite, as one query: each MQL entry's answer (the contact's next move:
-- a window over all moves, per contact in time order), counted per month. Less than the report
-- does: months in UTC, no first touches, no rejection reasons, no wins.
WITH answered AS (
    SELECT to_stage, occurred_at,
           lead(move) OVER (PARTITION BY contact_id ORDER BY occurred_at, id) AS answer
    FROM lifecycle_transitions
    WHERE workspace_id = (SELECT id FROM workspaces WHERE name = 'default')
)
SELECT substr(occurred_at, 1, 7) AS month, count(*) AS mqls,
       sum(answer = 'accept') AS accepted, sum(answer = 'reject') AS rejected
FROM answered
WHERE to_stage = 'mql'
GROUP BY 1
ORDER BY 1
