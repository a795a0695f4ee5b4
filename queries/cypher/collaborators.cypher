// name: collaborators
// title: Who a person worked with (evidence)
// description: Everyone who shares a show with the person, with the show and both people's roles, in one record whose rows are packed as [key, name, credit_count, show_key, show_title, person_role, person_producer_role, role, producer_role] (Neo4j's Python driver pays per record). `collaborators_ranked` gives the same people ranked, one row each.
// listed: no
// params: key:str
MATCH (p:Person {key: $key})-[r1]->(s:Show)<-[r2]-(o:Person)
WHERE o.key <> $key
RETURN collect([o.key, o.name, coalesce(o.credit_count, 1), s.key, s.title,
                type(r1), r1.role, type(r2), r2.role]) AS rows
