// name: second_degree
// title: People two steps away through given collaborators
// description: Suggestions by triadic closure: people who share a show with one of $collaborators (other than the person $key), ranked by how many of the collaborators lead to them, then by an Adamic-Adar score (a prolific collaborator says less), then name and key; one record whose rows are packed as [key, name, shared, score, via] (Neo4j's Python driver pays per record), via listing the collaborators in between as [name, key] pairs. The caller leaves hubs out of $collaborators, and drops the people the person already worked with (asking for that many more rows): a list-membership test here would cost the database one comparison per known person on every row.
// listed: no
// params: key:str, collaborators:list, limit:int=20
UNWIND $collaborators AS ck
MATCH (c:Person {key: ck})-->(:Show)<--(s:Person)
WITH DISTINCT c, s
// Filtering after WITH keeps FalkorDB's planner anchored on the collaborators' keys:
// a WHERE on s in the MATCH made it scan every node first (seconds instead of milliseconds).
WHERE s <> c AND s.key <> $key
WITH s, count(c) AS shared, sum(1.0 / log(2.0 + coalesce(c.credit_count, 1))) AS weight,
     collect([c.name, c.key]) AS via
WITH s, shared, round(weight * 10000.0) / 10000.0 AS score, via
ORDER BY shared DESC, score DESC, s.name, s.key
LIMIT $limit
RETURN collect([s.key, s.name, shared, score, via]) AS rows
