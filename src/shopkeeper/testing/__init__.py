"""Test doubles that stand in for the outside world (time, mail, language models)."""
