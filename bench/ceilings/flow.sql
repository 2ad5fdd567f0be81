-- flow over all history: every move of a live contact, as (from, to) pairs.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
ranks(stage, rank) AS (
    VALUES ('visitor', 0), ('lead', 1), ('mql', 2), ('sal', 3), ('sql', 4), ('opportunity', 5),
           ('customer', 6)
),
pairs AS (
    SELECT t.from_stage, t.to_stage, count(*) AS count, count(DISTINCT t.contact_id) AS contacts
    FROM lifecycle_transitions t
    JOIN contacts c ON c.id = t.contact_id AND c.merged_into_id IS NULL
    WHERE t.workspace_id = (SELECT id FROM ws)
    GROUP BY t.from_stage, t.to_stage
)
SELECT p.from_stage, p.to_stage,
       CASE WHEN p.from_stage IS NULL THEN 'enter'
            WHEN t.rank IS NULL OR (f.rank IS NOT NULL AND t.rank < f.rank) THEN 'backward'
            ELSE 'forward' END AS direction,
       p.count, p.contacts
FROM pairs p
LEFT JOIN ranks f ON f.stage = p.from_stage
LEFT JOIN ranks t ON t.stage = p.to_stage
