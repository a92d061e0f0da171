"""How a ``course`` command is declared: once, with what it does, its examples and its run.

The audiences' ``commands`` modules declare their commands with :func:`add_command`, so
that every command's ``--help`` has examples and every command names the function that
runs it; :mod:`autograder.cli` assembles them and holds the contract.
"""

import argparse
from collections.abc import Callable, Sequence

# A command's run: the parsed arguments and its own parser (for usage errors) -> status.
Run = Callable[[argparse.Namespace, argparse.ArgumentParser], int]
Commands = argparse._SubParsersAction  # what ArgumentParser.add_subparsers returns


def add_command(
    commands: Commands,
    name: str,
    run: Run,
    summary: str,
    examples: Sequence[str],
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A subcommand of ``course``: `summary` in the command list, `description` (default:
    the summary) and `examples` in its ``--help``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description or summary,
        epilog="examples:\n" + "\n".join(f"  {example}" for example in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def add_flag(parser: argparse.ArgumentParser, name: str, help: str) -> None:
    """An on/off option."""
    parser.add_argument(name, action="store_true", help=help)
