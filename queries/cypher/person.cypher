// name: person
// title: A person and their credits
// description: A person's credits on shows, grouped by role in the app.
// params: key:str
MATCH (p:Person {key: $key})
RETURN p AS person,
       [(p)-[r]->(s:Show) | {key: s.key, title: s.title, year: s.year, type: type(r), role: r.role}] AS credits
