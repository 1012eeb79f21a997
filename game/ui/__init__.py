"""The game window (pygame-ce + pygame_gui): the only package of Samenspel that imports pygame.

Entry points: `game.commands.window` (the CLI side) and `game.ui.app.App` (the loop). Screens
live in `game.ui.screens`, one class each; `game.ui.flow.Game` connects them to the engine's
`Session`.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
