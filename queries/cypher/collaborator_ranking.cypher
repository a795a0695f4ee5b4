// name: collaborator_ranking
// title: Everyone a person worked with, ranked
// description: Everyone who shares a show with the person, with how many shows they share and their own credit count, most shared first (then name and key), the first $limit of them (everyone when 0), over the person's $shows newest shows (all of them for everyone who has no more); one record whose rows are packed as [key, name, credit_count, shared] (Neo4j's Python driver pays per record). Counted here rather than from `collaborators`' evidence, which for a prolific person is every credit of every show they share (48,311 people in 2.3-4 s, against 0.6 s counted).
// listed: no
// params: key:str, shows:int=200, limit:int=0
MATCH (:Person {key: $key})-->(s:Show)
// A prolific person's $shows newest shows only (queries/lists.py COUNTED_SHOWS): counting
// everyone over a hub's thousands grew with them (93,375 people from 5,821 shows: 1.9 s).
WITH DISTINCT s ORDER BY coalesce(s.year, -1) DESC, s.key LIMIT $shows
MATCH (s)<--(o:Person)
WHERE o.key <> $key
WITH o, count(DISTINCT s) AS shared
ORDER BY shared DESC, o.name, o.key
WITH collect([o.key, o.name, coalesce(o.credit_count, 1), shared]) AS rows
// Cut here, not in Python: sending everyone (hundreds, for a busy person) to keep fifty
// tripled the query's time at p95 (8.5 ms against 3.7 at 10^6 credits). A LIMIT cannot
// be 'none' on FalkorDB, hence the slice.
RETURN CASE WHEN $limit > 0 THEN rows[0..$limit] ELSE rows END AS rows
