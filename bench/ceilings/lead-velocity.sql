-- lead-velocity over all history: MQL entries per calendar month in Madrid, against the month before.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
moments AS (
    SELECT occurred_at FROM lifecycle_transitions WHERE workspace_id = (SELECT id FROM ws)
    UNION ALL
    SELECT occurred_at FROM deal_stage_history WHERE workspace_id = (SELECT id FROM ws)
),
span AS (  -- whole calendar months with history, and the month before the first
    SELECT date_trunc('month', min(occurred_at AT TIME ZONE 'Europe/Madrid')) AS first,
           date_trunc('month', max(occurred_at AT TIME ZONE 'Europe/Madrid')) AS last
    FROM moments
),
months AS (
    SELECT strftime(m, '%Y-%m') AS month, m >= first AS shown
    FROM span, generate_series(first - INTERVAL 1 MONTH, last, INTERVAL 1 MONTH) AS s(m)
),
entries AS (
    SELECT strftime(t.occurred_at AT TIME ZONE 'Europe/Madrid', '%Y-%m') AS month, count(*) AS mqls
    FROM lifecycle_transitions t
    JOIN contacts c ON c.id = t.contact_id AND c.workspace_id = (SELECT id FROM ws)
    WHERE t.workspace_id = (SELECT id FROM ws) AND t.to_stage = 'mql'
    GROUP BY 1
),
counted AS (
    SELECT m.month, m.shown, coalesce(e.mqls, 0) AS mqls,
           lag(coalesce(e.mqls, 0)) OVER (ORDER BY m.month) AS previous_mqls
    FROM months m LEFT JOIN entries e USING (month)
)
SELECT month, mqls, previous_mqls, (mqls - previous_mqls) / nullif(previous_mqls, 0) AS growth_rate
FROM counted
WHERE shown AND (SELECT count(*) FROM entries) > 0
ORDER BY month
