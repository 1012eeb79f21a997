"""Class play (`samenspel klas`): every student on their own device, the teacher at the helm.

The teacher's laptop serves the class over the local network. Each team is one engine
`Session` writing the same JSON Lines log as the window, so debrief, the class report, replay
and fork need no change. The server alone decides; each device is sent only what its role may
see (`game.klas.views`). Pieces:

- `classroom`: teams, team codes, seats, pause and timer extension, the class state file,
  and restoring every team from its log after a crash (no web code);
- `views`: what a student, a projector ("tafel") and the teacher may see, as JSON-ready dicts;
- `protocol`: the JSON messages a client may send, checked before anything acts on them;
- `limits`: the token buckets that cut off guessing and flooding;
- `server`: the Starlette app (pages, static files, QR codes, the WebSocket), run by uvicorn.

This package never imports pygame (only `game.ui` does).
"""
