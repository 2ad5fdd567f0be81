-- The least attribution asks of SQLite, as one query: each won deal's touches (its contact's
-- events with a channel other than direct, at or before the won moment) counted per channel,
-- and the leads each first-touch channel acquired (every contact that ever entered a lead
-- stage: a read of all moves). Less than the report does: no weighing, no milestones, no
-- campaigns, MQLs, customers or costs, no period.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
won AS (
    SELECT d.contact_id, h.occurred_at AS won_at
    FROM deal_stage_history h
    JOIN deals d ON d.id = h.deal_id
    WHERE h.workspace_id = (SELECT id FROM ws) AND h.to_stage = 'won'
      AND d.pipeline = 'new_business'
),
leads AS (
    SELECT contact_id FROM lifecycle_transitions
    WHERE workspace_id = (SELECT id FROM ws)
      AND to_stage IN ('lead', 'mql', 'sal', 'sql', 'opportunity', 'customer')
    GROUP BY contact_id
)
SELECT 'touches' AS counted, k.key AS channel, count(*) AS count
FROM won w
JOIN events e ON e.workspace_id = (SELECT id FROM ws) AND e.contact_id = w.contact_id
    AND e.occurred_at <= w.won_at
JOIN channels k ON k.id = e.channel_id AND k.key <> 'direct'
GROUP BY k.key
UNION ALL
SELECT 'leads', coalesce(k.key, 'direct'), count(*)
FROM leads l
JOIN contacts c ON c.id = l.contact_id
LEFT JOIN channels k ON k.id = c.channel_id
GROUP BY 2
