"""How long the `kam` command takes, start-up included: each command is run as a whole process, as a
person runs it, several times after a warm-up.

    .venv/bin/python benchmarks/cli_startup.py                      # a fresh `kam demo` SQLite database in a temp dir
    .venv/bin/python benchmarks/cli_startup.py --runs 15            # more runs
    .venv/bin/python benchmarks/cli_startup.py --database URL       # an existing `kam demo` database (left as it is)

Prints, per command, the wall and CPU (user + system) seconds of the whole process: minimum, median and
maximum over the runs, and the exit code; then what `python -X importtime -c "import bot.cli"` reports
for importing the CLI. Quote the medians: the machine is shared and a single run says little.
See docs/benchmarks.md, "CLI start-up".
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def kam_executable(given: str | None) -> str:
    """The `kam` script of the interpreter running this (the virtualenv's), else the one on PATH."""
    if given:
        return given
    beside = Path(sys.executable).with_name("kam")
    found = str(beside) if beside.exists() else shutil.which("kam")
    if not found:
        raise SystemExit("cli_startup: no `kam` command found; run `make install` or pass --kam PATH")
    return found


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(command: list[str], runs: int, warmup: int) -> dict:
    """Wall and CPU seconds of each counted run; output is discarded, the exit codes are kept."""
    walls, cpus, codes = [], [], set()
    for index in range(warmup + runs):
        cpu_before = children_cpu()
        started = time.perf_counter()
        finished = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        if index >= warmup:
            walls.append(wall)
            cpus.append(children_cpu() - cpu_before)
            codes.add(finished.returncode)
    return {"wall": walls, "cpu": cpus, "codes": sorted(codes)}


def import_time_ms() -> float | None:
    """The cumulative microseconds python -X importtime reports for `import bot.cli`, in ms."""
    report = subprocess.run([sys.executable, "-X", "importtime", "-c", "import bot.cli"],
                            capture_output=True, text=True).stderr
    match = re.search(r"^import time:\s*\d+ \|\s*(\d+) \| bot\.cli$", report, re.MULTILINE)
    return int(match.group(1)) / 1000 if match else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="counted runs per command (default 9)")
    parser.add_argument("--warmup", type=int, default=1, help="runs not counted, first (default 1)")
    parser.add_argument("--database", help="a `kam demo` database URL (default: a new one in a temp dir)")
    parser.add_argument("--query", default="acme", help="what `kam accounts find` looks for (default acme)")
    parser.add_argument("--user", default="rep@demo.kam.test", help="who `kam chat` acts as")
    parser.add_argument("--message", default="/kam mine", help="what `kam chat` sends once")
    parser.add_argument("--kam", help="the kam executable (default: the virtualenv's)")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    kam = kam_executable(args.kam)

    with tempfile.TemporaryDirectory(prefix="kam-cli-startup-") as scratch:
        database = args.database
        if database is None:
            database = f"sqlite:///{Path(scratch) / 'demo.db'}"
            subprocess.run([kam, "demo", "--database", database], check=True, stdout=subprocess.DEVNULL)
        commands = {
            "kam --help": [kam, "--help"],
            f"kam accounts find {args.query}": [kam, "accounts", "find", args.query, "--database", database],
            f"kam chat --user {args.user} \"{args.message}\"": [kam, "chat", "--user", args.user,
                                                                 "--database", database, args.message],
        }
        print(f"{kam} on Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.1f}; {args.runs} runs per command after {args.warmup} warm-up; "
              f"whole-process seconds")
        print(f"{'command':<50} {'wall min':>9} {'median':>8} {'max':>8} {'cpu median':>11}  exit")
        for label, command in commands.items():
            figures = time_command(command, args.runs, args.warmup)
            wall = figures["wall"]
            print(f"{label:<50} {min(wall):9.3f} {statistics.median(wall):8.3f} {max(wall):8.3f} "
                  f"{statistics.median(figures['cpu']):11.3f}  {','.join(map(str, figures['codes']))}")
    imported = import_time_ms()
    print(f"import bot.cli (python -X importtime, cumulative): "
          f"{'not found' if imported is None else f'{imported:.0f} ms'}")


if __name__ == "__main__":
    main()
