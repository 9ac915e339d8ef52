"""The ``mguv`` command: the product's headless face.

Each verb lives in its own module ``mguv_app/cli/cmd_<verb>.py`` defining ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; modules are discovered here, so a
new verb is a new file. With no verb (or with ``--screenshot``) the GUI starts: the
``ui`` package is imported only then, keeping the core free of Qt.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
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
    configure_logging()
    if argv and (argv[0] in _verbs() or argv[0] in ("-h", "--help")):
        args = build_parser().parse_args(argv)
        args.argv = list(argv)  # the verb's own command line (``mguv train`` records it in run.json)
        return _guarded(lambda: args.run(args), f"mguv {args.verb}", argv)
    # GUI mode: `mguv`, `mguv FILE.mid`, `mguv --screenshot OUT.png [FILE.mid]`
    args = build_parser(gui=True).parse_args(argv)

    def window() -> int:
        gui = importlib.import_module("ui.app")
        return gui.screenshot(args.screenshot, args.file) if args.screenshot else gui.run(args.file)

    return _guarded(window, "mguv", argv)


def configure_logging() -> None:
    """Diagnostics (``logging``, not the verbs' output) go to stderr from WARNING up; ``MGUV_LOG=debug`` (or
    info) shows more, e.g. FluidSynth's own messages. A no-op when the host program configured logging."""
    level = os.environ.get("MGUV_LOG", "WARNING").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "WARNING",
                        format="mguv %(name)s: %(message)s")


def _guarded(run, name: str, argv: list[str]) -> int:
    """The top-level guard: no traceback reaches the user. A fault no verb caught is one line on stderr
    (exit status 2) and its traceback goes to the log in the user data dir (``crash_log``)."""
    from ..crash_log import describe, log_exception

    try:
        return int(run() or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence
        log = log_exception(exc, "mguv " + " ".join(argv))
        where = f"; the details are in {log}" if log else ""
        print(f"{name}: failed: {describe(exc)}{where}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
