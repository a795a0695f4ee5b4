"""The README stays true: every setting documented, the two commands first."""

from pathlib import Path

from screengraph.graph.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_documents_every_setting():
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in README]
    assert not missing, f"README.md does not document {missing}"


def test_readme_opens_with_the_run_and_test_commands():
    head = README[:1500]
    assert "make run" in head and "make test" in head
    assert head.index("make run") < head.index("make test")


def test_ci_calls_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci
