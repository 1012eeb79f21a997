"""One module per `samenspel` subcommand, each with `register(subparsers)` and `run(args) -> int`.

`game.cli` builds the argument parser from the modules listed in `COMMANDS`; a command module
imports its heavy dependencies inside `run`, so `samenspel --help` stays fast.
"""

COMMANDS = ("play", "resume", "validate", "simulate", "graph", "new", "debrief", "klas")
