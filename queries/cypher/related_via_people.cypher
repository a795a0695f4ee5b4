// name: related_via_people
// title: Shows sharing people with a show
// description: Evidence for related content: each other show, a person credited on both, their role on it, and how prolific the person is. People credited on more than $max_degree shows are skipped: they connect too much to mean anything (and would make the query slow).
// params: key:str, max_degree:int=200
MATCH (s:Show {key: $key})<--(p:Person)
WITH DISTINCT p
WITH p, coalesce(p.credit_count, 1) AS degree
WHERE degree <= $max_degree
MATCH (p)-[r2]->(o)
WHERE o.key <> $key
WITH DISTINCT o, p, degree, type(r2) AS role, r2.role AS producer_role
RETURN o.key AS key, o.title AS title, o.year AS year, p.key AS via_key, p.name AS via_name,
       role, producer_role, degree
