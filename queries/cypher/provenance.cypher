// name: provenance
// title: Where an entity comes from
// description: The listings (file, line or record, load time) that named the entity.
// params: keys:list
UNWIND $keys AS k
MATCH (l:Listing {key: k})
RETURN l.key AS source, l.file AS file, l.line AS line, l.record AS record, l.loaded_at AS loaded_at
ORDER BY file, line, record
