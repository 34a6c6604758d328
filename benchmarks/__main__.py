"""`python -m benchmarks`: run the benchmark suite, print the table, write the JSON.

    .venv/bin/python -m benchmarks                 # everything, 10,000 and 100,000 orders
    .venv/bin/python -m benchmarks --quick         # 10,000 orders only, fewer repeats
    .venv/bin/python -m benchmarks --only search --only memory
    .venv/bin/python -m benchmarks --json /tmp/figures.json

Not part of the unit tests: it takes minutes and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks import BENCHMARKS
from benchmarks.bytecode import compile_checkout, writes_bytecode
from benchmarks.context import Run
from benchmarks.harness import BenchResult, machine, table, write_json
from benchmarks.terminal import stop_server

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="10,000 orders only, fewer repeats (~2 minutes)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(BENCHMARKS),
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write JSON (default {DEFAULT_JSON})",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the final table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    os.chdir(Path(__file__).resolve().parent.parent)
    names = args.only or list(BENCHMARKS)
    info = machine()
    ctx = Run(quick=args.quick, verbose=not args.quiet)
    ctx.log(
        f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"load average {info['load_average'][0]:.2f}; running {', '.join(names)}"
        + (" (quick)" if args.quick else "")
    )
    # Every launch starts from compiled modules, as an installed console does
    # (`benchmarks.bytecode`).
    info["checkout_compiled"] = compile_checkout()
    info["python_writes_bytecode"] = writes_bytecode()
    unwritten = "" if info["python_writes_bytecode"] else " (PYTHONDONTWRITEBYTECODE is set here)"
    ctx.log(f"checkout compiled to bytecode{unwritten}")
    results: list[BenchResult] = []
    try:
        for name in names:
            module = BENCHMARKS[name]
            ctx.log(f"{name}: {module.TITLE}")
            started = time.perf_counter()
            try:
                result = module.run(ctx)
            except Exception as error:  # one benchmark failing must not lose the others
                traceback.print_exc()
                result = BenchResult(name, module.TITLE, error=f"{type(error).__name__}: {error}")
            result.seconds = time.perf_counter() - started
            ctx.log(f"{name}: done in {result.seconds:.1f} s")
            results.append(result)
    finally:
        ctx.close()
        stop_server()
    info["load_average_after"] = os.getloadavg()
    info["quick"] = args.quick
    info["total_seconds"] = time.perf_counter() - ctx.started
    print()
    print(table(results))
    for result in results:
        for note in result.notes:
            print(f"  {result.name}: {note}")
    print(
        f"\nload average before {info['load_average'][0]:.2f}, after "
        f"{info['load_average_after'][0]:.2f}; total {info['total_seconds']:.0f} s"
    )
    write_json(args.json, results, info)
    print(f"JSON: {args.json}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
