// name: people_in_both
// title: People credited on two shows
// description: Everyone credited on both shows, with their roles.
// params: first:Show, second:Show
MATCH (a:Show {key: $first})<-[r1]-(p:Person)-[r2]->(b:Show {key: $second})
RETURN p.key AS key, p.name AS name, collect(DISTINCT type(r1)) AS roles_on_first,
       collect(DISTINCT type(r2)) AS roles_on_second
ORDER BY name
