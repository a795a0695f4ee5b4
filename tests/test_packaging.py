"""The wheel installs one package, screengraph: its layers (graph/, loaders/, queries/,
webapp/) inside it, nothing else at the top of site-packages where other projects' `graph`
or `webapp` would collide with them; the data files the app reads go with them."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    # Without build isolation: the tests need no network, and the dev environment has setuptools.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(folder), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = folder.glob("screengraph-*.whl")
    with zipfile.ZipFile(built) as archive:
        return archive.namelist()


@pytest.mark.slow
def test_the_wheel_installs_only_the_screengraph_package(wheel):
    tops = {name.split("/")[0] for name in wheel}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"screengraph"}
    for layer in ("graph", "loaders", "queries", "webapp"):
        assert f"screengraph/{layer}/__init__.py" in wheel, layer


@pytest.mark.slow
def test_the_wheel_carries_the_data_files_the_app_reads(wheel):
    assert "screengraph/queries/cypher/show.cypher" in wheel
    assert "screengraph/loaders/listing.schema.json" in wheel
    assert "screengraph/webapp/templates/entity.html" in wheel
