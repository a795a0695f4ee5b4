// name: person
// title: A person and their credits
// description: A person's first $limit credits on shows (by role in the order $roles lists, then title) and how many credits and shows there are.
// params: key:str, roles:list=[], limit:int=1000
MATCH (p:Person {key: $key})
OPTIONAL MATCH (p)-[r]->(s:Show)
WITH p, r, s,
     CASE type(r) WHEN 'PRODUCED' THEN coalesce(r.role, 'producer') ELSE type(r) END AS role
WITH p, r, s,
     coalesce([i IN range(0, size($roles) - 1) WHERE $roles[i] = role][0], size($roles)) AS rank
ORDER BY rank, coalesce(s.title, ''), s.key
WITH p,
     collect(CASE WHEN r IS NULL THEN NULL
             ELSE {key: s.key, title: s.title, year: s.year, type: type(r), role: r.role} END) AS credits,
     count(r) AS total, count(DISTINCT s) AS shows
RETURN p AS person, credits[0..$limit] AS credits, total, shows
