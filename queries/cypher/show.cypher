// name: show
// title: A show and everything credited on it
// description: The show's properties, its first $limit credits (by role in the order $roles lists, then name), how many credits and people there are, its companies, genres and the other seasons of its series.
// params: key:str, roles:list=[], limit:int=1000
MATCH (s:Show {key: $key})
OPTIONAL MATCH (o:Show {series_key: s.series_key})
WHERE o.key <> s.key
WITH s, collect({key: o.key, title: o.title, season: o.season, year: o.year}) AS seasons
OPTIONAL MATCH (p:Person)-[r]->(s)
WITH s, seasons, p, r,
     CASE type(r) WHEN 'PRODUCED' THEN coalesce(r.role, 'producer') ELSE type(r) END AS role
WITH s, seasons, p, r,
     coalesce([i IN range(0, size($roles) - 1) WHERE $roles[i] = role][0], size($roles)) AS rank
ORDER BY rank, coalesce(p.name, ''), p.key
WITH s, seasons,
     collect(CASE WHEN r IS NULL THEN NULL
             ELSE {key: p.key, name: p.name, type: type(r), role: r.role} END) AS credits,
     count(r) AS total, count(DISTINCT p) AS people
RETURN s AS show,
       credits[0..$limit] AS credits, total, people,
       [(s)-[:MADE_BY]->(c:Company) | {key: c.key, name: c.name}] AS companies,
       [(s)-[:IN_GENRE]->(g:Genre) | {key: g.key, name: g.name}] AS genres,
       seasons
