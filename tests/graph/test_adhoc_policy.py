"""What analysts' own queries may do: refused with a reason, on both backends."""

import pytest

from graph.errors import QueryRefused


@pytest.mark.parametrize("name", ["a=1 CREATE (n:X) RETURN 1 //", "k`x", "", "1a", "a b"])
def test_parameter_names_must_be_identifiers(backend, name):
    # FalkorDB takes parameters as a `CYPHER name=value` prefix: a raw name would be query text.
    with pytest.raises(QueryRefused, match="parameter name"):
        backend.run_adhoc("RETURN 1 AS one", {name: 1})
    assert backend.run_read("MATCH (n:X) RETURN count(n)").value() == 0


def test_an_ordinary_query_runs(backend):
    assert backend.run_adhoc("RETURN $the_value AS v", {"the_value": 7}).value() == 7
