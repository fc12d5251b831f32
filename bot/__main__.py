"""`python -m bot` runs the `pulse` CLI."""

from bot.cli import main

main()
