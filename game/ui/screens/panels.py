"""The moves every scene offers besides choosing: share a card, consult a role, vote in secret.

Each private view (your cards, the advice you are shown, your secret vote) comes after a
hand-over screen, so the rest of the team never sees it by accident. The shared steps before
it (who wants to share, who asks whom) are on the shared screen.
"""

from __future__ import annotations

import pygame

from game.scenario.model import TEAM
from game.ui.screens.base import Screen, draw_role_band, esc, prose
from game.ui.screens.briefing import cards_markup
from game.ui.theme import role_colour, role_initials
from game.ui.widgets import ChoiceButton, badge, text_size


class _PrivateScreen(Screen):
    """A private view for one role: a header band in the role's colour and a way back."""

    def __init__(self, app, game, role: str) -> None:
        super().__init__(app)
        self.game = game
        self.role = role
        self.header = pygame.Rect(0, 0, 0, 0)

    def top(self) -> int:
        """Lay out the header band; returns the y where content starts."""
        w, _ = self.app.size
        self.header = pygame.Rect(0, 0, w, self.px(80))
        return self.header.bottom + self.px(20)

    def back(self) -> None:
        """Back to the shared play screen."""
        self.game.continue_play()

    def on_escape(self) -> None:
        """Esc leaves the private view (back to the shared screen)."""
        self.back()

    def draw(self, surface: pygame.Surface) -> None:
        """The role's colour band with badge, '<name> · <role>' and 'for your eyes only'."""
        role = self.game.scenario.roles[self.role]
        draw_role_band(self, surface, self.header, role,
                       f"{self.game.player(self.role)} · {role.name}",
                       right=self.t("private.only_you"))


class PickRoleScreen(Screen):
    """Shared step: who shares (then a hand-over), or who consults whom."""

    name = "pick_role"

    def __init__(self, app, game, purpose: str, asker: str | None = None) -> None:
        super().__init__(app)
        self.game = game
        self.purpose = purpose  # "share" or "consult"
        self.asker = asker
        self.rows: list[str] = []

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        if self.purpose == "share":
            title = self.t("pick.share_title")
            hint = self.t("pick.share_hint")
        elif self.asker is None:
            title = self.t("pick.consult_title")
            hint = self.t("pick.consult_hint")
        else:
            title = self.t("pick.consult_whom", who=self.game.who(self.asker))
            hint = self.t("pick.consult_whom_hint")
        self.label((m, m, w - 2 * m, self.px(48)), title, "title")
        self.label((m, m + self.px(48), w - 2 * m, self.px(60)), hint, "muted", wrap=True)
        roles = [r for r in self.game.scenario.roles if r != self.asker]
        y = m + self.px(116)
        width = min(w - 2 * m, self.px(720))
        bh = self.px(52)
        self.rows = roles
        rows, heights = [], []
        for i, rid in enumerate(roles, start=1):
            note = ""
            if self.purpose == "share":
                note = self.t("pick.cards_count", n=len(self.game.session.cards(rid)))
            label = self.game.who(rid)
            rows.append((i, label, note, lambda r=rid: self.pick(r), True))
            heights.append(ChoiceButton.height_for(label, note, width, self.app.scale))
        self.choice_area = pygame.Rect(m, y, width, h - y - bh - 2 * m)
        self.place_choices(rows, heights, self.px(8))
        self.button((m, h - m - bh, self.px(200), bh), self.t("common.back"),
                    self.game.continue_play)

    def pick(self, role: str) -> None:
        """Go on with the picked role."""
        if self.purpose == "share":
            self.game.handover(role, lambda: self.app.show(ShareScreen(self.app, self.game, role)),
                               purpose="share")
        elif self.asker is None:
            self.app.show(PickRoleScreen(self.app, self.game, "consult", asker=role))
        else:
            self.game.consult(self.asker, role)

    def on_escape(self) -> None:
        """Esc goes back to the play screen."""
        self.game.continue_play()

    def draw_over(self, surface: pygame.Surface) -> None:
        """Choice buttons plus a small badge in each role's colour."""
        super().draw_over(surface)
        for btn, rid in zip(self.choices, self.rows):
            if not self.choice_area.contains(btn.rect):
                continue  # scrolled out of view
            role = self.game.scenario.roles[rid]
            rad = self.px(14)
            badge(surface, (btn.rect.right - rad - self.px(12), btn.rect.centery), rad,
                  role_colour(role), role_initials(role), self.app.scale)


class ShareScreen(_PrivateScreen):
    """Private: share a card in three steps - a card, then the recipient, then "Delen".

    Nothing is chosen at first, so a stray click or key cannot share; the chosen card stays
    highlighted while the recipient is chosen; a recipient who already knows the card cannot
    be chosen again (no accidental repeat)."""

    name = "share"

    def __init__(self, app, game, role: str, card: str | None = None) -> None:
        super().__init__(app, game, role)
        self.card = card
        self.target: str | None = None
        self.answer: tuple[bool, str, str] | None = None  # the family's last answer here

    def known_by(self, card: str) -> set[str]:
        """The roles (besides the sharer) that already know the card."""
        return {r for r in self.game.scenario.roles
                if r != self.role and self.game.session.knows(r, card)}

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        y = self.top()
        cards = self.game.session.cards(self.role)
        bh = self.px(52)
        back_w = min(self.px(200), w // 4)
        self.button((m, h - m - bh, back_w, bh), self.t("common.back"), self.back)
        if not cards:
            self.label((m, y, w - 2 * m, self.px(40)), self.t("share.no_cards"), "muted")
            return
        if self.compact and self.card is not None:
            # a narrow window for the font: the chosen card gets the whole width ("Terug"
            # goes back to the list of cards)
            self._recipients(pygame.Rect(m, y, w - 2 * m, h - y - bh - 3 * m),
                             [r for r in self.game.scenario.roles if r != self.role])
            self._confirm_row(m + back_w + m, h - m - bh, w - m, bh)
            return
        list_w = max(self.px(220), (w - 3 * m) * 2 // 5)
        self.label((m, y, list_w, self.px(32)), self.t("share.your_cards"), "muted")
        rows, heights = [], []
        others = [r for r in self.game.scenario.roles if r != self.role]
        for i, info in enumerate(cards, start=1):
            notes = [self.t("cards.sensitive")] if info.sensitive else []
            known = self.known_by(info.id)
            if known and len(known) == len(others):
                notes.append(self.t("share.known_all"))
            elif known:
                notes.append(self.t("share.known_by", names=", ".join(
                    self.game.player(r) for r in others if r in known)))
            note = " · ".join(notes)
            rows.append((i, info.title, note, lambda c=info.id: self.select(c), True))
            heights.append(ChoiceButton.height_for(info.title, note, list_w, self.app.scale))
        self.choice_area = pygame.Rect(m, y + self.px(36), list_w,
                                       h - y - self.px(36) - bh - 3 * m)
        self.place_choices(rows, heights, self.px(8))
        for btn, info in zip(self.choices, cards):
            btn.selected = info.id == self.card
        x = 2 * m + list_w
        cw = w - x - m
        content = pygame.Rect(x, y, cw, h - y - bh - 3 * m)
        if self.card is None:
            self.textbox(content, esc(self.t("share.pick_card")), "card")
            return
        self._recipients(content, others)
        self._confirm_row(m + back_w + m, h - m - bh, w - m, bh)

    @property
    def compact(self) -> bool:
        """A narrow window for the font scale (a projector at 175-200 %)."""
        return self.app.size[0] * 100 / self.app.scale < 1000

    def _confirm_row(self, x: int, y: int, right: int, bh: int) -> None:
        """The bottom row after "Terug": what will happen, and "Delen"."""
        info = self.game.scenario.info[self.card]
        confirm_w = min(self.px(220), (right - x) // 2)
        summary = (self.t("share.confirm_hint") if self.target is None else self.t(
            "share.summary", card=info.title,
            to=self.t("share.team_lower") if self.target == TEAM else self.game.who(self.target)))
        ask_w = 0
        if self.can_ask():
            # "Vraag toestemming" before "Delen": the family is asked first (a move, logged)
            ask_w = min(self.px(260), (right - x) // 3)
            label, tip = self.fit(self.t("share.ask"), ask_w - self.px(28))
            self.button((right - confirm_w - self.px(12) - ask_w, y, ask_w, bh), label,
                        self.ask, tooltip=tip)
            ask_w += self.px(12)
        self.label((x, y, right - confirm_w - ask_w - self.px(12) - x, bh), summary, "small",
                   wrap=True)
        btn = self.button((right - confirm_w, y, confirm_w, bh), self.t("share.confirm"),
                          self.confirm, kind="primary", focus=self.target is not None)
        if self.target is None:
            btn.disable()

    def recipients(self) -> list[str]:
        """The roles the chosen target stands for."""
        if self.target is None:
            return []
        if self.target == TEAM:
            return [r for r in self.game.scenario.roles if r != self.role]
        return [self.target]

    def can_ask(self) -> bool:
        """True when the family can be asked now for this card and recipient, and is needed:
        the engine offers asking (issue 12) and the share would not be within consent."""
        session = self.game.session
        if self.card is None or self.target is None or not hasattr(session, "can_ask_consent"):
            return False
        if not session.can_ask_consent(self.role, self.card):
            return False
        return not all(session.is_within_consent(self.card, r) for r in self.recipients())

    def ask(self) -> None:
        """Ask the family's consent for the chosen card and recipient; the answer shows here
        (and on the shared screen afterwards)."""
        granted = self.game.ask_consent(self.role, self.card, self.target)
        self.answer = None if granted is None else (granted, self.card, self.target)
        self.app.rebuild()

    def back(self) -> None:
        """Back: in the narrow layout first to the list of cards, then to the team."""
        if self.compact and self.card is not None:
            self.card = None
            self.target = None
            self.app.rebuild()
            return
        super().back()

    def _recipients(self, area: pygame.Rect, others: list[str]) -> None:
        """The card (its text scrolls) and a button per recipient below it."""
        info = self.game.scenario.info[self.card]
        known = self.known_by(self.card)
        targets = [(TEAM, self.t("share.whole_team"), len(known) < len(others))] + [
            (r, self.game.who(r), r not in known) for r in others]
        cols = 2 if area.width > self.px(360) else 1
        lines = -(-len(targets) // cols)
        label_h = 0 if self.compact else self.px(32)  # narrow: the summary says it
        tb = max(text_size("Ag", scale=self.app.scale)[1] + self.px(12),
                 min(self.px(52), (area.height * 3 // 5) // lines - self.px(8)))
        targets_h = label_h + lines * (tb + self.px(8))
        card_h = max(text_size("Ag", scale=self.app.scale)[1] + self.px(24),
                     area.height - targets_h - self.px(8))
        mark = ""
        if info.sensitive:
            mark = (f"<br><font color='{self.app.palette.bad}'>"
                    f"<b>{esc(self.t('share.sensitive_hint'))}</b></font>")
        purpose = getattr(getattr(info, "terms", None), "for_", None)
        if purpose:  # what the family's consent is for (the card's consent: for)
            mark += (f"<br><i>{esc(self.t('share.purpose'))}</i> "
                     f"{esc(self.game.session.render(purpose))}")
        if self.answer is not None and self.answer[1] == self.card:
            granted, _, target = self.answer
            to = self.t("share.team_lower") if target == TEAM else self.game.who(target)
            colour = self.app.palette.good if granted else self.app.palette.bad
            key = "share.granted" if granted else "share.refused"
            mark = (f"<font color='{colour}'><b>{esc(self.t(key, to=to))}</b></font><br>"
                    + mark)
        self.textbox((area.x, area.y, area.width, card_h),
                     f"<b>{esc(info.title)}</b><br>"
                     f"{prose(self.game.session.render(info.text))}{mark}", "card")
        ty = area.y + card_h + self.px(8)
        if label_h:
            self.label((area.x, ty, area.width, label_h - self.px(4)), self.t("share.to"),
                       "muted")
        ty += label_h
        tw = (area.width - (cols - 1) * self.px(8)) // cols
        for i, (target, label, enabled) in enumerate(targets):
            bx = area.x + (i % cols) * (tw + self.px(8))
            by = ty + (i // cols) * (tb + self.px(8))
            if not enabled:
                label = f"{label} · {self.t('share.knows')}"
            shown, tip = self.fit(label, tw - self.px(28))
            btn = self.button((bx, by, tw, tb), shown, lambda t=target: self.choose_target(t),
                              kind="toggle_on" if target == self.target else None,
                              tooltip=tip, focus=enabled)
            if not enabled:
                btn.disable()

    def select(self, card: str) -> None:
        """Choose (or change) the card; the recipient is chosen again."""
        if card != self.card:
            self.card = card
            self.target = None
        self.app.rebuild()

    def choose_target(self, to: str) -> None:
        """Choose who receives the card (a role or the whole team); nothing is shared yet."""
        self.target = to
        self.app.rebuild()

    def confirm(self) -> None:
        """Share the chosen card with the chosen recipient; the play screen shows the result."""
        if self.card is None or self.target is None:
            return
        self.game.share(self.role, self.card, self.target)


class AdviceScreen(_PrivateScreen):
    """Private: the advice the consulted role is shown for this scene."""

    name = "advice"

    def __init__(self, app, game, asker: str, role: str, advice: str | None) -> None:
        super().__init__(app, game, role)
        self.asker = asker
        self.advice = advice

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        y = self.top()
        self.label((m, y, w - 2 * m, self.px(44)),
                   self.t("advice.asked_by", who=self.game.who(self.asker)), "subtitle")
        y += self.px(52)
        body = prose(self.advice) if self.advice else esc(self.t("advice.none"))
        bh = self.px(56)
        cards = cards_markup(self.app, self.game, self.role)
        if cards:
            body += f"<br><br><b>{esc(self.t('advice.your_cards'))}</b><br>{cards}"
        self.textbox((m, y, w - 2 * m, h - y - bh - 2 * m), body, "card")
        self.button((w - m - self.px(320), h - m - bh, self.px(320), bh), self.t("advice.done"),
                    self.back, kind="primary")

    def on_enter(self) -> bool:
        """Enter goes back to the team."""
        self.app.defer(self.back)
        return True


class SecretVoteScreen(_PrivateScreen):
    """Private: one voter's ballot in a secret vote or consensus round."""

    name = "secret_vote"

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        y = self.top()
        scene = self.game.session.scene
        rnd = self.game.session.vote_round
        self.label((m, y, w - 2 * m, self.px(44)),
                   self.t("vote.title", scene=scene.title or "", round=rnd.number), "subtitle")
        y += self.px(56)
        options = {c.id for c in self.game.session.options(self.role)}
        bh = self.px(52)
        rows, heights = [], []
        for c in self.game.session.open_choices():
            if c.id not in options:
                continue
            rows.append((len(rows) + 1, c.text, "",
                         lambda cid=c.id: self.game.choose(self.role, cid), True))
            heights.append(ChoiceButton.height_for(c.text, "", w - 2 * m, self.app.scale))
        self.choice_area = pygame.Rect(m, y, w - 2 * m, h - y - bh - 2 * m)
        self.place_choices(rows, heights, self.px(8))
        self.button((m, h - m - bh, self.px(200), bh), self.t("common.back"), self.back)
