"""`python -m bench [BENCHMARK] [OPTIONS]`: run one benchmark (default: digest-tick)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence


def _digest_tick(argv: Sequence[str]) -> int:
    from bench.digest_tick import main

    return main(argv)


BENCHMARKS: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "digest-tick": (_digest_tick, "portfolio digest and clock tick on a large workspace vs plain SELECTs"),
}
DEFAULT = "digest-tick"


def usage() -> str:
    """The list of benchmarks."""
    lines = ["usage: python -m bench [BENCHMARK] [OPTIONS]  (BENCHMARK --help for its options)", "", "benchmarks:"]
    lines += [
        f"  {name:<14} {summary}{' (default)' if name == DEFAULT else ''}" for name, (_, summary) in BENCHMARKS.items()
    ]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """Dispatch to the named benchmark; with no name (or only options), run the default one."""
    if argv and argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in BENCHMARKS:
            print(f"bench: unknown benchmark {name!r}\n\n{usage()}", file=sys.stderr)
            return 2
    else:
        name, rest = DEFAULT, argv
    run, _ = BENCHMARKS[name]
    try:
        return run(rest)
    except KeyboardInterrupt:
        print("bench: interrupted; every server it started was stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
