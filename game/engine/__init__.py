"""The engine: a transitions state machine per session, the Session API, events and the log."""
