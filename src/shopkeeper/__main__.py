"""``python -m shopkeeper`` runs the CLI."""

from shopkeeper.cli.main import run

run()
