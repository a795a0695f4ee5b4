// name: show
// title: A show and everything credited on it
// description: The show's properties, its credits by role, companies, genres and the other seasons of its series.
// params: key:str
MATCH (s:Show {key: $key})
OPTIONAL MATCH (o:Show {series_key: s.series_key})
WHERE o.key <> s.key
WITH s, collect({key: o.key, title: o.title, season: o.season, year: o.year}) AS seasons
RETURN s AS show,
       [(p:Person)-[r]->(s) | {key: p.key, name: p.name, type: type(r), role: r.role}] AS credits,
       [(s)-[:MADE_BY]->(c:Company) | {key: c.key, name: c.name}] AS companies,
       [(s)-[:IN_GENRE]->(g:Genre) | {key: g.key, name: g.name}] AS genres,
       seasons
