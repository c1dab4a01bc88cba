"""Command line of the report views.

    python -m conformance.report compare reports/*.json -o reports/index.html
    python -m conformance.report html reports/conformance-single.json [-o out.html]
    python -m conformance.report junit reports/*.json -o reports/junit.xml
    python -m conformance.report summary reports/conformance-single.json

Exit status: 0 done, 1 an input could not be used, 2 bad usage.  Errors are
one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

PROG = "conformance-report"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, description="Render conformance result documents (JSON) as HTML, JUnit XML or text.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    compare = commands.add_parser("compare", help="one page comparing several runs side by side")
    compare.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    compare.add_argument("-o", "--output", type=Path, help="page to write (default: index.html next to the first report)")
    html = commands.add_parser("html", help="the HTML report of one run")
    html.add_argument("report", type=Path, metavar="REPORT.json")
    html.add_argument("-o", "--output", type=Path, help="file to write (default: REPORT.html)")
    junit = commands.add_parser("junit", help="JUnit XML of one or more runs")
    junit.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    junit.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    summary = commands.add_parser("summary", help="the terminal summary of one run")
    summary.add_argument("report", type=Path, metavar="REPORT.json")
    return parser


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _run(args: argparse.Namespace) -> int:
    from .compare import load_report, render_compare

    if args.command == "compare":
        entries = [(path, load_report(path)) for path in args.reports]
        output = args.output or args.reports[0].parent / "index.html"
        _write(output, render_compare(entries, output))
        print(f"wrote {output} ({len(entries)} report{'s' if len(entries) != 1 else ''})")
    elif args.command == "html":
        from .html import render_html

        output = args.output or args.report.with_suffix(".html")
        _write(output, render_html(load_report(args.report)))
        print(f"wrote {output}")
    elif args.command == "junit":
        from .junit import render_junit

        xml = render_junit([load_report(path) for path in args.reports])
        if args.output:
            _write(args.output, xml)
        else:
            sys.stdout.write(xml)
    elif args.command == "summary":
        from .terminal import summary_lines

        print("\n".join(summary_lines(load_report(args.report))))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m conformance.report`` and ``conformance-report``."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("a command is required: compare, html, junit or summary")
    from .compare import ReportError
    from .text import visible

    try:
        return _run(args)
    except ReportError as exc:
        print(f"{PROG}: error: {visible(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: {visible(exc.filename or '')}: {visible(exc.strerror or exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
