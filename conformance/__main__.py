"""``python -m conformance openapi``: print the OpenAPI 3.1 description of a dialect's pattern.

    python -m conformance openapi --profile ogc --pattern multi
    python -m conformance openapi --profile-file my-api.toml --pattern single --target-url http://h/api/tasks

A bad usage is one line on standard error and exit status 4 (as the suite's own usage errors).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from .openapi import document
from .profiles import PROFILES, ProfileError, load_file

USAGE_ERROR = 4


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(USAGE_ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m conformance", description="tools of the conformance suite")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    spec = sub.add_parser("openapi", help="print the OpenAPI 3.1 document of a dialect's pattern")
    spec.add_argument("--profile", help=f"a bundled dialect: {', '.join(PROFILES)} (default seed)")
    spec.add_argument("--profile-file", help="your own dialect, TOML or JSON")
    spec.add_argument("--pattern", choices=("single", "multi"), help="default: the profile's first pattern")
    spec.add_argument("--target-url", help="the resource's URL: its path (and query) replace the placeholder")
    args = parser.parse_args(argv)
    if args.profile and args.profile_file:
        parser.error("give --profile or --profile-file, not both")
    try:
        if args.profile_file:
            profile = load_file(args.profile_file)
        else:
            name = args.profile or "seed"
            if name not in PROFILES:
                parser.error(f"unknown profile {name!r}; bundled: {', '.join(PROFILES)}")
            profile = PROFILES[name]
        doc = document(profile, args.pattern or profile.patterns[0], target_url=args.target_url)
    except (ProfileError, ValueError) as exc:
        parser.error(str(exc))
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
