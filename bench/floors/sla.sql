-- The least sla asks of SQLite, as one query: each MQL entry's answer (the contact's next move,
-- as the entry's lifecycle_visits row holds it), counted per month. Less than the report does:
-- months in UTC, no first touches, no rejection reasons, no wins.
SELECT substr(entered_at, 1, 7) AS month, count(*) AS mqls,
       sum(next_move = 'accept') AS accepted, sum(next_move = 'reject') AS rejected
FROM lifecycle_visits
WHERE workspace_id = (SELECT id FROM workspaces WHERE name = 'default') AND stage = 'mql'
GROUP BY 1
ORDER BY 1
