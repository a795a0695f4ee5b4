// name: collaborators
// title: Who a person worked with (evidence)
// description: Everyone who shares one of the person's $shows newest shows with them, with the show and both people's roles, in one record whose rows are packed as [key, name, credit_count, show_key, show_title, person_role, person_producer_role, role, producer_role] (Neo4j's Python driver pays per record). `collaborators_ranked` gives the same people ranked, one row each.
// listed: no
// params: key:str, shows:int=200
MATCH (p:Person {key: $key})-->(s:Show)
// The shows `collaborator_ranking` counts: the person's $shows newest.
WITH DISTINCT p, s ORDER BY coalesce(s.year, -1) DESC, s.key LIMIT $shows
MATCH (p)-[r1]->(s)<-[r2]-(o:Person)
WHERE o.key <> $key
RETURN collect([o.key, o.name, coalesce(o.credit_count, 1), s.key, s.title,
                type(r1), r1.role, type(r2), r2.role]) AS rows
