// name: shows_by_year
// title: Shows per year
// description: How many shows each year has, for the years given (inclusive).
// params: from_year:int=1900, to_year:int=2100
MATCH (s:Show)
WHERE s.year >= $from_year AND s.year <= $to_year
RETURN s.year AS year, count(s) AS shows
ORDER BY year
