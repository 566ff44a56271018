"""Broadsheet: publishing and discussion for independent news and commentary sites."""

__version__ = "0.1.0"
