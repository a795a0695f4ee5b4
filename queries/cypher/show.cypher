// name: show
// title: A show and everything credited on it
// description: The show's properties, its first $limit credits (by group in the order $roles lists, the other groups (composer, editor...) after them by name, then billing order and name), each with its characters, job, category and order; how many credits and people there are; its companies, genres, the seasons of its series (for a season: the other seasons and the series), and the series it is an episode of. A credit's group is its relationship type, a producer's role, or the category of any other credit (WORKED_ON's role). An episode's credits are written on its series: its credits here are those of the series that its listings assert (their Assertions on the series hold the episode's EPISODE_OF edge). Each credit has its identity (`id`: type|person|show|role), by which the caller counts a series credit's episodes.
// listed: no
// params: key:str, roles:list=[], limit:int=1000
MATCH (s:Show {key: $key})
WITH s, CASE WHEN s.season IS NOT NULL THEN s.series_key END AS season_of,
     CASE WHEN s.season IS NULL THEN s.series_key END AS title_of
// A season: every show of its series key (the other seasons, and the series).
OPTIONAL MATCH (o:Show {series_key: season_of})
WHERE o.key <> s.key
WITH s, title_of, collect({key: o.key, title: o.title, season: o.season, year: o.year}) AS seasons
// Any other show: the seasons of its title only, by their title key ('<series key>-season-
// <n>', made with the series key and season from one title), a range of its index.
// By the series key they were every show of the same title, read to keep none: 53,147
// episodes called 'Episode 1.1' at 10^7 credits, 20 ms a page.
OPTIONAL MATCH (o:Show)
WHERE o.title_key >= title_of + '-season-' AND o.title_key < title_of + '-season.'
  AND o.series_key = title_of AND o.season IS NOT NULL AND o.key <> s.key
WITH s, seasons, collect({key: o.key, title: o.title, season: o.season, year: o.year}) AS more
WITH s, seasons + more AS seasons
OPTIONAL MATCH (s)-[:EPISODE_OF]->(series:Show)
WITH s, seasons, collect(series) AS serieses
UNWIND [x IN serieses | x.key] + [''] AS series_key
OPTIONAL MATCH (b:Assertion {show: series_key})
WHERE ('EPISODE_OF|' + s.key + '|' + series_key + '|') IN b.edges
WITH s, seasons, serieses, collect(b.edges) AS lists
WITH s, seasons, serieses, reduce(found = [], edges IN lists | found + edges) AS asserted
UNWIND [s] + serieses AS holder
OPTIONAL MATCH (p:Person)-[r]->(holder)
WHERE holder = s OR (type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '')) IN asserted
WITH s, seasons, p, r, holder,
     CASE type(r) WHEN 'PRODUCED' THEN coalesce(r.role, 'producer')
                  WHEN 'WORKED_ON' THEN coalesce(r.role, 'other') ELSE type(r) END AS role
WITH s, seasons, p, r, holder, role,
     coalesce([i IN range(0, size($roles) - 1) WHERE $roles[i] = role][0], size($roles)) AS rank
ORDER BY rank, role, coalesce(r.order, 2147483647), coalesce(p.name, ''), p.key
WITH s, seasons,
     collect(CASE WHEN r IS NULL THEN NULL
             ELSE {key: p.key, name: p.name, type: type(r), role: r.role,
                   characters: r.characters, job: r.job, category: r.category,
                   order: r.order, id: type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '')} END) AS credits,
     count(r) AS total, count(DISTINCT p) AS people
RETURN s AS show,
       credits[0..$limit] AS credits, total, people,
       [(s)-[:MADE_BY]->(c:Company) | {key: c.key, name: c.name}] AS companies,
       [(s)-[:IN_GENRE]->(g:Genre) | {key: g.key, name: g.name}] AS genres,
       seasons,
       [(s)-[e:EPISODE_OF]->(x:Show) |
        {key: x.key, title: x.title, year: x.year, season: e.season, episode: e.episode}] AS series
