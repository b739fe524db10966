"""The package's errors: every one derives from :class:`ScenarioError`.

A caller that wants "anything this package refuses" catches ``ScenarioError``;
anything else that escapes is a bug. Each error also derives from the builtin
its meaning matches (``ValueError`` for a bad value, ``KeyError`` for an
unknown name), so older ``except ValueError`` code keeps working.

The errors of one capability live with it and are re-exported by
``scenarios``: ``ParamError`` (model), ``DomainError`` (solver), ``SeekError``
(goal seek), ``NotFiniteError`` (roots), ``FormulaError`` (formula),
``FitError`` and ``DemandDataError`` (fitting), ``StorageError`` (store).
"""

from __future__ import annotations


class ScenarioError(Exception):
    """Base of every error the ``scenarios`` package raises on purpose."""


class InputError(ScenarioError, ValueError):
    """A value given to a function is not one it can use; the message says why."""


class DeclarationError(ScenarioError, ValueError):
    """A scenario or parameter declaration contradicts itself (a catalog bug)."""


class UnknownNameError(ScenarioError, KeyError):
    """A scenario, example, report row or model name that does not exist.

    The message lists the names that do. Unlike ``KeyError``'s own, ``str()``
    gives the sentence without quotes around it.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
