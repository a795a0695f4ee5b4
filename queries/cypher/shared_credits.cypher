// name: shared_credits
// title: What a person did with some others
// description: The shows a person shares with each of $others, with both people's roles: `collaborators`' evidence for those people only, over the shows `collaborator_ranking` counts, packed the same way as [key, name, credit_count, show_key, show_title, person_role, person_producer_role, role, producer_role].
// listed: no
// params: key:str, others:list, shows:int=200
MATCH (p:Person {key: $key})-->(s:Show)
// The shows `collaborator_ranking` counts: the person's $shows newest.
WITH DISTINCT p, s ORDER BY coalesce(s.year, -1) DESC, s.key LIMIT $shows
MATCH (p)-[r1]->(s)<-[r2]-(o:Person)
// Filtering after WITH keeps FalkorDB's planner anchored on the person: with the
// filter in the MATCH it started from the others' credits (0.5 s instead of 0.02 s).
WITH r1, s, r2, o WHERE o.key IN $others AND o.key <> $key
RETURN collect([o.key, o.name, coalesce(o.credit_count, 1), s.key, s.title,
                type(r1), r1.role, type(r2), r2.role]) AS rows
