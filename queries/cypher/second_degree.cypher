// name: second_degree
// title: People two steps away through given collaborators
// description: For suggestions: everyone who shares a show with one of $collaborators, except the person $key, with the collaborator in between and how prolific they are. The caller leaves hubs out of $collaborators.
// params: key:str, collaborators:list, limit:int=5000
UNWIND $collaborators AS ck
MATCH (c:Person {key: ck})-->(sh)<--(s)
WHERE s.key <> $key AND s.key <> c.key
WITH DISTINCT c, s LIMIT $limit
RETURN s.key AS key, s.name AS name, c.key AS via_key, c.name AS via_name,
       coalesce(c.credit_count, 1) AS degree
