// name: person
// title: A person and their credits
// description: A person's first $limit credits on shows (by group in the order $roles lists, the other groups (composer, editor...) after them by name, then title), each with its characters, job, category, billing order, its identity (`id`: type|person|show|role) and whether the show has episodes (an episode's credits are written on its series: the caller counts a series credit's episodes from the listings asserting it); and how many credits and shows there are. A credit's group is its relationship type, a producer's role, or the category of any other credit (WORKED_ON's role).
// listed: no
// params: key:str, roles:list=[], limit:int=1000
MATCH (p:Person {key: $key})
OPTIONAL MATCH (p)-[r]->(s:Show)
WITH p, r, s,
     CASE type(r) WHEN 'PRODUCED' THEN coalesce(r.role, 'producer')
                  WHEN 'WORKED_ON' THEN coalesce(r.role, 'other') ELSE type(r) END AS role
WITH p, r, s, role,
     coalesce([i IN range(0, size($roles) - 1) WHERE $roles[i] = role][0], size($roles)) AS rank
ORDER BY rank, role, coalesce(s.title, ''), s.key
WITH p,
     collect(CASE WHEN r IS NULL THEN NULL
             ELSE {key: s.key, title: s.title, year: s.year, type: type(r), role: r.role,
                   characters: r.characters, job: r.job, category: r.category, order: r.order,
                   id: type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, ''),
                   has_episodes: size([(s)<-[:EPISODE_OF]-(:Show) | 1]) > 0}
             END) AS credits,
     count(r) AS total, count(DISTINCT s) AS shows
RETURN p AS person, credits[0..$limit] AS credits, total, shows
