// name: counts_by_label
// title: Entities per label
// description: How many shows, people, companies and genres (and provenance Listing records) the graph holds.
// notes: Neo4j's LoadLease node (one load at a time) is not counted: it is bookkeeping, not the catalogue.
// params:
MATCH (n)
WHERE NOT n:LoadLease
RETURN labels(n)[0] AS label, count(n) AS nodes
ORDER BY label
