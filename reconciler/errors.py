"""Errors named by what the caller should do about them.

Only the CLI maps these to exit codes. Messages never carry secrets.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReconcilerError(Exception):
    """Root of every error the reconciler raises on purpose."""


@dataclass(frozen=True)
class InputIssue:
    """One problem in the estate files, located at file:line:col (1-based)."""

    file: str
    line: int
    col: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: [{self.rule}] {self.message}"


class InputError(ReconcilerError):
    """The estate in git is invalid: fix the files named in `issues`."""

    def __init__(self, issues: list[InputIssue]):
        self.issues = sorted(issues, key=lambda i: (i.file, i.line, i.col, i.rule))
        first = str(self.issues[0]) if self.issues else "invalid input"
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(first + more)


class ParseError(InputError):
    """A configuration text has a line the reader cannot understand: `issue` names it.

    Raised by the switch running-config readers instead of guessing; `source` is the file
    (or "running-config" for text read from a device).
    """

    def __init__(self, source: str, line: int, col: int, rule: str, message: str):
        self.issue = InputIssue(source, line, col, rule, message)
        super().__init__([self.issue])


class ConfigError(ReconcilerError):
    """Something outside the estate files is wrong (credentials, endpoints, options)."""


class CredentialsError(ConfigError):
    """A credential named by a site cannot be found: set the variable or file it names."""


class PlanError(ReconcilerError):
    """The plan cannot be applied as it is."""


class StalePlanError(PlanError):
    """Live state changed since the plan was made: plan again."""

    def __init__(self, target: str, detail: str):
        self.target = target
        super().__init__(f"{target}: live state changed since the plan was made ({detail}); "
                         "run `reconciler plan` again")


class RefusedError(PlanError):
    """The plan would do something that needs an explicit override."""


class LockHeldError(ReconcilerError):
    """Another apply holds the lock for this site: wait for it or investigate."""


class UnknownPlatformError(ReconcilerError):
    def __init__(self, platform: str, known: list[str]):
        super().__init__(f"unknown platform {platform!r}; known platforms: {', '.join(sorted(known))}")


class TargetError(ReconcilerError):
    """A live system failed; `target` names it."""

    def __init__(self, target: str, message: str):
        self.target = target
        super().__init__(f"{target}: {message}")


class TargetUnavailable(TargetError):
    """Could not reach the system; retrying later may work."""

    def __init__(self, target: str, message: str, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(target, message)


class TargetAuthError(TargetError):
    """The system refused our credentials: fix them, retrying will not help."""


class TargetRejected(TargetError):
    """The system refused a change (invalid command, constraint): permanent."""


class UnreadableConfig(TargetError):
    """The system's own configuration has a line the reconciler cannot read: fix that line
    on the device (the message names it); retrying will not help."""


class VerifyError(TargetError):
    """After apply, the live state is not what the plan promised."""
