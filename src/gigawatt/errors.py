"""Exception types. A :class:`UserInputError` is a user mistake: the CLI prints its message
(one line with the offending value and a hint) and exits with code 2, never a traceback."""

from __future__ import annotations

__all__ = ["CatalogError", "InfeasibleError", "UnknownIdError", "UserInputError"]


class UserInputError(ValueError):
    """Bad input from a user: a malformed quantity, an unknown id, an impossible setting."""


class UnknownIdError(UserInputError, KeyError):
    """An id that is not in the catalogue; the message suggests the closest ids."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CatalogError(UserInputError):
    """A catalogue file that does not validate (missing source, duplicate id, not YAML...)."""


class InfeasibleError(UserInputError):
    """A request that cannot be met: a model that does not fit, a supply that cannot cover load."""
