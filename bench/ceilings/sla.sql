-- sla over all history: per calendar month in Madrid, the MQL entries, what sales answered
-- (the contact's next move, as the entry's lifecycle_visits row holds it), the first touch before
-- the contact's next entry, and the wins.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
moves AS (SELECT * FROM lifecycle_transitions WHERE workspace_id = (SELECT id FROM ws)),
moments AS (
    SELECT occurred_at FROM moves
    UNION ALL
    SELECT occurred_at FROM deal_stage_history WHERE workspace_id = (SELECT id FROM ws)
),
span AS (
    SELECT date_trunc('month', min(occurred_at AT TIME ZONE 'Europe/Madrid')) AS first,
           date_trunc('month', max(occurred_at AT TIME ZONE 'Europe/Madrid')) AS last
    FROM moments
),
months AS (
    SELECT strftime(m, '%Y-%m') AS month
    FROM span, generate_series(first, last, INTERVAL 1 MONTH) AS s(m)
),
answered AS (
    SELECT transition_id AS id, contact_id, stage AS to_stage, entered_at AS occurred_at,
           next_move AS answer, next_reason AS reason
    FROM lifecycle_visits WHERE workspace_id = (SELECT id FROM ws)
),
entries AS (
    SELECT a.id, a.contact_id, a.occurred_at, a.answer, a.reason,
           lead(a.occurred_at) OVER (PARTITION BY a.contact_id ORDER BY a.occurred_at, a.id)
               AS next_entry_at,
           strftime(a.occurred_at AT TIME ZONE 'Europe/Madrid', '%Y-%m') AS month
    FROM answered a
    JOIN contacts c ON c.id = a.contact_id AND c.workspace_id = (SELECT id FROM ws)
    WHERE a.to_stage = 'mql'
),
touches AS (
    SELECT contact_id, completed_at AS touched_at FROM tasks
    WHERE workspace_id = (SELECT id FROM ws) AND completed_at IS NOT NULL
      AND kind IN ('call', 'email', 'meeting') AND contact_id IS NOT NULL
    UNION ALL
    SELECT contact_id, occurred_at FROM moves WHERE move IN ('accept', 'reject')
),
first_touch AS (
    SELECT e.id, min(floor(epoch(t.touched_at)) - floor(epoch(e.occurred_at))) AS waited
    FROM entries e
    JOIN touches t ON t.contact_id = e.contact_id AND t.touched_at >= e.occurred_at
        AND (e.next_entry_at IS NULL OR t.touched_at < e.next_entry_at)
    GROUP BY e.id
),
per_month AS (
    SELECT e.month, count(*) AS mqls,
           count(*) FILTER (e.answer = 'accept') AS accepted,
           count(*) FILTER (e.answer = 'reject') AS rejected,
           count(*) FILTER (f.waited <= 24 * 3600) AS touched_in_time
    FROM entries e LEFT JOIN first_touch f USING (id)
    GROUP BY e.month
),
reasons AS (
    SELECT month, string_agg(reason || '=' || rejected, ', ' ORDER BY reason) AS rejection_reasons
    FROM (
        SELECT month, coalesce(reason, '') AS reason, count(*) AS rejected
        FROM entries WHERE answer = 'reject' GROUP BY ALL
    )
    GROUP BY month
),
wins AS (
    SELECT strftime(h.occurred_at AT TIME ZONE 'Europe/Madrid', '%Y-%m') AS month,
           count(DISTINCT h.deal_id) AS won_deals
    FROM deal_stage_history h
    JOIN deals d ON d.id = h.deal_id AND d.workspace_id = (SELECT id FROM ws)
    WHERE h.workspace_id = (SELECT id FROM ws) AND d.pipeline = 'new_business'
      AND h.to_stage = 'won'
    GROUP BY 1
)
SELECT m.month, coalesce(p.mqls, 0) AS mqls, 20.0 AS mql_target,
       coalesce(p.mqls, 0) / 20.0 AS mql_attainment_rate,
       coalesce(p.accepted, 0) AS accepted, coalesce(p.rejected, 0) AS rejected,
       p.accepted / nullif(p.mqls, 0) AS acceptance_rate, r.rejection_reasons,
       coalesce(p.touched_in_time, 0) AS touched_in_time,
       p.touched_in_time / nullif(p.mqls, 0) AS first_touch_rate,
       coalesce(w.won_deals, 0) AS won_deals,
       coalesce(w.won_deals, 0) / nullif(p.mqls, 0) AS close_rate,
       0.25 AS close_rate_target
FROM months m
LEFT JOIN per_month p USING (month)
LEFT JOIN reasons r USING (month)
LEFT JOIN wins w USING (month)
WHERE (SELECT count(*) FROM per_month) + (SELECT count(*) FROM wins) > 0
ORDER BY m.month
