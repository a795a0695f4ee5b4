// name: collaborator_ranking
// title: Everyone a person worked with, ranked
// description: Everyone who shares a show with the person, with how many shows they share and their own credit count, most shared first (then name and key); one record whose rows are packed as [key, name, credit_count, shared] (Neo4j's Python driver pays per record). Counted here rather than from `collaborators`' evidence, which for a prolific person is every credit of every show they share (48,311 people in 2.3-4 s, against 0.6 s counted).
// listed: no
// params: key:str
MATCH (:Person {key: $key})-->(s:Show)<--(o:Person)
WHERE o.key <> $key
WITH o, count(DISTINCT s) AS shared
ORDER BY shared DESC, o.name, o.key
RETURN collect([o.key, o.name, coalesce(o.credit_count, 1), shared]) AS rows
