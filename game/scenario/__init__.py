"""Scenario format v1: the model, the safe loader, expressions, text templates and validation.

This package imports neither pygame nor anything from the engine, scoring, export or UI.
"""
