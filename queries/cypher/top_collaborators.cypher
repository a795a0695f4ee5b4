// name: top_collaborators
// title: The people a person worked with most, and on what
// description: The first $limit people of `collaborator_ranking` (most shared shows first, then name and key, over the person's $shows newest shows) with the shows they share and both people's roles, packed as `collaborators`' rows are: [key, name, credit_count, show_key, show_title, person_role, person_producer_role, role, producer_role]. In one walk: the ranking remembers each person's shared shows, so only those $limit people's credits are read again for their roles (ranking, then `shared_credits` walked the person's co-credits twice: 11 ms against 5 at p95, 10^7 credits).
// listed: no
// params: key:str, limit:int, shows:int=200
MATCH (p:Person {key: $key})-->(s:Show)
// A prolific person's $shows newest shows only, as `collaborator_ranking` counts them.
WITH DISTINCT p, s ORDER BY coalesce(s.year, -1) DESC, s.key LIMIT $shows
MATCH (s)<--(o:Person)
WHERE o.key <> $key
WITH p, o, collect(DISTINCT s) AS shared
ORDER BY size(shared) DESC, o.name, o.key
LIMIT $limit
UNWIND shared AS s
MATCH (p)-[r1]->(s)<-[r2]-(o)
RETURN collect([o.key, o.name, coalesce(o.credit_count, 1), s.key, s.title,
                type(r1), r1.role, type(r2), r2.role]) AS rows
