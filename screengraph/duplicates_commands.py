"""`screengraph duplicates`: pairs of entities likely to be one, for a maintainer to review."""

from __future__ import annotations

import click

from screengraph.context import CliContext, pass_context
from screengraph.graph.backend import Results
from screengraph.graph.result_text import counted
from screengraph.output import emit, emit_json
from screengraph.queries.duplicates import DEFAULT_MIN_SCORE, LABELS, MAX_BONUS, find_duplicates


@click.command()
@click.option(
    "--label",
    type=click.Choice(LABELS, case_sensitive=False),
    default=LABELS[0],
    show_default=True,
    help="Which kind of entity to look among.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0 + MAX_BONUS, min_open=True),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    help="Least score of a proposed pair: how alike the names are (0..1) plus "
    f"evidence (shared shows, collaborators, years; up to {MAX_BONUS:g}).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="At most this many pairs, best first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with every pair's evidence.")
@pass_context
def duplicates(
    cli: CliContext, label: str, min_score: float, limit: int | None, as_json: bool
) -> None:
    """Likely duplicates the key rules missed (typos, initials, transliterations, word
    order, company suffixes), best first, with the evidence. Two entities with different
    identifiers of one scheme (two IMDb ids) are never proposed."""
    report = find_duplicates(cli.backend(), label, min_score, limit)
    if as_json:
        emit_json(report.to_json())
        return
    rows = [
        [f"{pair.score:.2f}", _named(pair.a), _named(pair.b), pair.reason, _evidence(pair.evidence)]
        for pair in report.pairs
    ]
    emit(
        Results(["score", "one", "other", "names", "evidence"], rows),
        title=f"Likely duplicates among {report.label} nodes",
    )
    click.echo(
        f"{counted(report.examined, f'{report.label} node')} read, "
        f"{counted(report.compared, 'pair')} compared, {len(report.pairs):,} proposed in "
        f"{report.seconds:.1f} s"
        + (
            f"; {report.skipped_blocks} blocks of over-common names skipped"
            if report.skipped_blocks
            else ""
        ),
        err=True,
    )


def _named(node: dict) -> str:
    extra = [str(node["year"])] if node.get("year") is not None else []
    extra += node["ids"][:1]
    return f"{node['name']} [{node['key']}]" + (f" ({', '.join(extra)})" if extra else "")


def _evidence(evidence) -> str:
    said = []
    if evidence.shared_shows:
        said.append(
            f"{counted(evidence.shared_shows, 'shared show')}: "
            + ", ".join(evidence.shared_show_titles)
        )
    if evidence.shared_neighbours:
        said.append(counted(evidence.shared_neighbours, "shared collaborator"))
    if evidence.years_overlap:
        said.append("years overlap")
    return "; ".join(said) or "names only"


def register(group: click.Group) -> None:
    group.add_command(duplicates)
