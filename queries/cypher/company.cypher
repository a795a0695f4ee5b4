// name: company
// title: A company and the shows it made
// description: Every show made by the company.
// params: key:str
MATCH (c:Company {key: $key})
RETURN c AS company,
       [(s:Show)-[:MADE_BY]->(c) | {key: s.key, title: s.title, year: s.year}] AS shows
