"""The ``mguv`` command: the product's headless face.

Each verb lives in its own module ``mguv_app/cli/cmd_<verb>.py`` defining ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; modules are discovered here, so a
new verb is a new file. With no verb (or with ``--screenshot``) the GUI starts: the
``ui`` package is imported only then, keeping the core free of Qt.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from .. import APP_NAME, __version__


def _verbs() -> dict[str, object]:
    verbs = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("cmd_"):  # __main__ and helpers are not verbs
            verbs[info.name[4:]] = importlib.import_module(f"{__name__}.{info.name}")
    return verbs


def build_parser(gui: bool = False) -> argparse.ArgumentParser:
    """The full parser with every verb, or (``gui``) the window's own options and FILE."""
    parser = argparse.ArgumentParser(
        prog="mguv", description=f"{APP_NAME}: compose melodies with a music VAE. "
        "Run without a command to open the window.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="open the main window offscreen, save a screenshot and exit")
    if gui:
        parser.add_argument("file", nargs="?", help="a MIDI file to open")
        return parser
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    for name, mod in sorted(_verbs().items()):
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and (argv[0] in _verbs() or argv[0] in ("-h", "--help")):
        args = build_parser().parse_args(argv)
        args.argv = list(argv)  # the verb's own command line (``mguv train`` records it in run.json)
        try:
            return int(args.run(args) or 0)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    # GUI mode: `mguv`, `mguv FILE.mid`, `mguv --screenshot OUT.png [FILE.mid]`
    args = build_parser(gui=True).parse_args(argv)
    gui = importlib.import_module("ui.app")
    if args.screenshot:
        return gui.screenshot(args.screenshot, args.file)
    return gui.run(args.file)


if __name__ == "__main__":
    sys.exit(main())
