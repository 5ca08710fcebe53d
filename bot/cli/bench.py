"""`kam bench`: measurements of the bot's hot paths, printed as JSON."""

import json
import sys
from pathlib import Path

import typer

from bot.cli.common import DatabaseOption

app = typer.Typer(no_args_is_help=True, help="Measure the bot: account name resolution, end-to-end commands; "
                                                "compare two runs.")


@app.command()
def resolve(
    queries: Path | None = typer.Option(None, "--queries",
                                        help="CSV with columns query,expected[,kind,part] (expected empty = no match)."),
    public: bool = typer.Option(False, "--public",
                                help="Instead of --queries: the public set, built at run time from the shared listed "
                                     "companies and tests/data/resolution_public_en.csv (see tests/data/README.md)."),
    database: str | None = DatabaseOption,
    accounts_file: Path | None = typer.Option(
        None, "--accounts-file",
        help="Without --database: accounts to load into a temporary SQLite database (CSV name,aliases); "
             "default: resolution_accounts.csv beside the queries file."),
    size: int = typer.Option(100_000, "--size", min=0,
                             help="Without --database: pad the temporary database with generated companies "
                                  "to this many accounts."),
    match: float | None = typer.Option(None, "--match", help="Override the confident-match score."),
    gap: float | None = typer.Option(None, "--gap", help="Override the lead a confident match needs."),
    candidate: float | None = typer.Option(None, "--candidate", help="Override the lowest candidate score."),
    details: bool = typer.Option(False, "--details", help="Add figures per kind of query and the misses."),
) -> None:
    """Top-1 accuracy, top-5 recall, false confident matches, ambiguity and latency of name resolution,
    over all queries and per kind (and per half of the public set)."""
    from kam_core.accounts.resolver import benchmark, publicset
    from kam_core.accounts.resolver.decide import Thresholds
    from kam_core.accounts.resolver.evaluation import BadEvaluationFile, read_cases

    if (queries is None) == (not public):
        typer.echo("kam bench resolve: give --queries FILE.csv or --public (one of them).", err=True)
        raise typer.Exit(2)
    overrides = {k: v for k, v in {"match": match, "gap": gap, "candidate": candidate}.items() if v is not None}
    try:
        accounts = None
        if public:
            cases, accounts = publicset.public_set()
        else:
            cases = read_cases(queries)
        report = benchmark.run(cases, database_url=database, size=size, details=details, accounts=accounts,
                               accounts_file=accounts_file or (queries.with_name("resolution_accounts.csv")
                                                               if queries else None),
                               thresholds=Thresholds(**overrides))
    except (BadEvaluationFile, publicset.MissingSource) as error:
        typer.echo(f"kam bench resolve: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))


@app.command("all")
def all_(
    scale: str = typer.Option("small", "--scale", help="small: `kam demo`'s default data; large: 100,000 accounts, "
                                                        "1,000,000 interactions, 300,000 opportunities."),
    backend: str = typer.Option("sqlite", "--backend", help="sqlite or postgres (without --database: a temporary "
                                                            "database, on KAM_BENCH_POSTGRES_URL's server)."),
    requests: int = typer.Option(1000, "--requests", min=1, help="Requests per command and per concurrency."),
    database: str | None = typer.Option(None, "--database",
                                        help="Measure this database (a `kam demo` one, kept as it is; an empty one "
                                             "is filled with the scale's demo data) instead of a temporary one."),
    out: Path | None = typer.Option(None, "--out", help="Also write the figures under \"## Commands\" in this "
                                                        "markdown file (e.g. docs/benchmarks.md)."),
    json_file: Path | None = typer.Option(None, "--json", help="Also write the run's figures to this JSON file "
                                                               "(for `kam bench compare`)."),
) -> None:
    """End-to-end /kam latency through gunicorn, the bolt floor both ways, throughput, a worker's peak memory
    and the SQL statements of each command."""
    if scale not in ("small", "large") or backend not in ("sqlite", "postgres"):
        typer.echo("kam bench all: --scale is small or large, --backend sqlite or postgres.", err=True)
        raise typer.Exit(2)
    commands = _benchmarks("all")
    report = commands.run(scale=scale, backend=backend, requests=requests, database_url=database,
                          progress=lambda line: typer.echo(line, err=True),
                          command_line=" ".join(["kam", *sys.argv[1:]]))
    typer.echo(report.markdown())
    if out:
        commands.write_section(out, report)
    if json_file:
        commands.write_json(json_file, report)
    if report.errors:
        raise typer.Exit(1)


@app.command()
def compare(
    before: Path = typer.Argument(..., help="The earlier run: a file `kam bench all --json` wrote, or a markdown "
                                            "file `--out` wrote (e.g. docs/benchmarks.md; with --scale, --backend)."),
    after: Path = typer.Argument(..., help="The later run, the same way."),
    scale: str = typer.Option("large", "--scale", help="Of a markdown file, the run of this scale (small or large)."),
    backend: str = typer.Option("postgres", "--backend", help="Of a markdown file, the run on this back end "
                                                              "(sqlite or postgres)."),
) -> None:
    """A markdown table of two runs' figures: before, after and after / before (e.g. for docs/benchmarks.md)."""
    if scale not in ("small", "large") or backend not in ("sqlite", "postgres"):
        typer.echo("kam bench compare: --scale is small or large, --backend sqlite or postgres.", err=True)
        raise typer.Exit(2)
    commands = _benchmarks("compare")
    runs = []
    for path in (before, after):
        try:
            text = path.read_text()
            if path.suffix == ".md":
                run = commands.run_of_markdown(text, scale, "postgresql" if backend == "postgres" else backend)
            else:
                run = json.loads(text)
        except OSError as error:
            run = error
        except ValueError:  # not JSON, or no such run in the markdown
            run = None
        if not isinstance(run, dict) or not isinstance(run.get("figures"), dict):
            what = (f"no run of the {scale} scale on {backend} under \"## Commands\"" if path.suffix == ".md"
                    else "not a file `kam bench all --json` wrote")
            typer.echo(f"kam bench compare: {path}: {run if isinstance(run, OSError) else what}.", err=True)
            raise typer.Exit(2)
        runs.append(run)
    typer.echo(commands.compare(*runs))


def _benchmarks(command: str):
    """benchmarks.commands, which sits beside bot/ in a checkout and is not installed."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    try:
        from benchmarks import commands
    except ImportError:
        typer.echo(f"kam bench {command}: run it from a checkout of the repository (benchmarks/ is not installed).",
                   err=True)
        raise typer.Exit(2) from None
    return commands
