"""Subcommands of the ``newsaudit`` CLI, one module each."""
