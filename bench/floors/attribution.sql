-- The least attribution asks of SQLite, as one query: each won deal's touches (its contact's
-- events with a channel other than direct, at or before the won moment), counted per channel.
-- Less than the report does: no weighing, no milestones, no campaigns, costs or acquisitions.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
won AS (
    SELECT d.contact_id, h.occurred_at AS won_at
    FROM deal_stage_history h
    JOIN deals d ON d.id = h.deal_id
    WHERE h.workspace_id = (SELECT id FROM ws) AND h.to_stage = 'won'
      AND d.pipeline = 'new_business'
)
SELECT k.key AS channel, count(*) AS touches
FROM won w
JOIN events e ON e.workspace_id = (SELECT id FROM ws) AND e.contact_id = w.contact_id
    AND e.occurred_at <= w.won_at
JOIN channels k ON k.id = e.channel_id AND k.key <> 'direct'
GROUP BY k.key
ORDER BY k.key
