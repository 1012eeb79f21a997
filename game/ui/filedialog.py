"""The file dialog for "Open bestand...": pygame_gui's dialog, made fit for a class.

Changes to `pygame_gui.windows.UIFileDialog`: no delete button (a teacher opens a case, never
deletes one from inside the game); Enter in the path field opens the typed file when it is a
file of the right kind (as OK does); the buttons and rows are as tall as the font needs at
the current font scale, so nothing is clipped at 150-200 %; rows are readable without hovering
(see the `selection_list` entries of the theme).
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.windows import UIFileDialog

from game.ui.widgets import text_size


class FileDialog(UIFileDialog):
    """`UIFileDialog` without delete, with Enter to open, sized for the font scale."""

    def __init__(self, rect, manager, *, scale: int, **kwargs) -> None:
        self.scale = scale
        super().__init__(rect, manager, **kwargs)
        self.delete_button.kill()
        line = text_size("Ag", scale=scale)[1] + round(10 * scale / 100)
        icon = max(20, line)
        x = 10
        for btn in (self.home_button, self.parent_directory_button, self.refresh_button):
            btn.set_relative_position((x, 10))
            btn.set_dimensions((icon, icon))
            x += icon + 4
        width = self.get_container().get_size()[0]
        self.file_path_text_line.set_relative_position((10, 20 + icon))
        self.file_path_text_line.set_dimensions((width - 20, line))
        bottom = 20 + line  # room for OK / Cancel
        for btn in (self.cancel_button, self.ok_button):
            btn.set_dimensions((max(btn.rect.width, text_size(btn.text, scale=scale)[0] + 40),
                                line))
        self.cancel_button.set_relative_position((-10 - self.cancel_button.rect.width,
                                                  -10 - line))
        # OK is anchored to the left edge of Cancel
        self.ok_button.set_relative_position((-10 - self.ok_button.rect.width, -10 - line))
        top = 30 + icon + line
        self.file_selection_list.set_relative_position((10, top))
        self.file_selection_list.set_dimensions(
            (width - 20, self.get_container().get_size()[1] - top - bottom - 10))

    def process_event(self, event: pygame.event.Event) -> bool:
        """Enter in the path field opens a typed file of an allowed kind, as OK does."""
        used = super().process_event(event)
        if (event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED
                and event.ui_element is self.file_path_text_line and self.alive()):
            path = Path(self.file_path_text_line.get_text()).expanduser()
            if path.is_file() and (not self.allowed_suffixes
                                   or path.suffix in self.allowed_suffixes):
                pygame.event.post(pygame.event.Event(pygame_gui.UI_FILE_DIALOG_PATH_PICKED, {
                    "text": str(path.absolute()), "ui_element": self,
                    "ui_object_id": self.most_specific_combined_id}))
                self.kill()
                return True
        return used
