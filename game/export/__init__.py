"""Debrief exports: everything a teacher makes from session logs after class.

- `report`: the HTML report (one team, or a class side by side); also re-exports the writers
  `write_report`, `write_csv`, `write_xapi` for the window's debrief screen.
- `csv`: one row per event for a spreadsheet (plain, or for Dutch Excel).
- `xapi`: xAPI 1.0.3 statements for a Learning Record Store.
- `replay`: `timeline(events)` as readable moments, and `fork(...)` ("Speel verder vanaf hier").
- `compare`: endings per team and the decisions where teams went different ways.
- `pseudonym`: stable pseudonyms instead of player names in every output.
- `logs`: reading logs for the debrief and finding the scenario they name.
- `summary`: the numbers of one team, as `game.scoring` computes them.
- `charts`: matplotlib (Agg) charts as inline SVG.

The command line front end is `game.commands.debrief`; the guide is docs/debriefing.md.
"""
