"""Bravely's clinical rules: pure Python, no Django import.

Dataclasses in, dataclasses out. The Django apps translate their models into these types, call the
rules, and store what comes back; everything here is deterministic and testable on its own.
"""
