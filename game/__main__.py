"""`python -m game` does what the `samenspel` console script does."""

from game.cli import main

raise SystemExit(main())
