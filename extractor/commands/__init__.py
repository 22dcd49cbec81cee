"""One module per csx command; cli.py parses arguments and dispatches here."""
