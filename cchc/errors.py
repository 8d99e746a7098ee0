"""Errors meant for people. The CLI prints their message (no traceback) and exits with their code."""

from __future__ import annotations


class CchcError(Exception):
    """A failure an operator can act on; ``str(error)`` says what is wrong and what to do."""

    exit_code = 2


class ConfigError(CchcError):
    """Bad settings, paths or command-line values."""


class InputError(CchcError):
    """A bad input file (plan, sources, import)."""
