// name: counts_by_type
// title: Relationships per type
// description: How many credits of each kind (DIRECTED, PRODUCED, WROTE, ACTED_IN) and how many MADE_BY and IN_GENRE links the graph holds.
// params:
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS relationships
ORDER BY type
