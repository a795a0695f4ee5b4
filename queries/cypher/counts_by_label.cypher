// name: counts_by_label
// title: Entities per label
// description: How many shows, people, companies and genres (and provenance Listing records) the graph holds.
// params:
MATCH (n)
RETURN labels(n)[0] AS label, count(n) AS nodes
ORDER BY label
