"""The `Target` protocol every live-system platform implements (six methods).

No client library is imported here: platforms live in `reconciler.targets`.
Platform knowledge the engine needs (apply wave, kind order, write-only fields,
concurrency bound, what the blast-radius guard counts, the templates it renders
with) is class-level data, never `if platform == ...` in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import ClassVar, Protocol, runtime_checkable

from .credentials import Credential
from .resources import Change, Resource, TargetSpec


@dataclass
class ApplyResult:
    """What happened on one target; a failure is data, not a crashed run."""

    target: str
    changes: list[Change] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    changed: bool = False
    failed: bool = False
    error: BaseException | None = None
    verified: bool = False
    rolled_back: bool = False

    @property
    def error_text(self) -> str | None:
        return str(self.error) if self.error is not None else None


@runtime_checkable
class Target(Protocol):
    platform: ClassVar[str]
    #: Targets apply in ascending waves (switch VLANs before RADIUS/Wi-Fi/PBX).
    wave: ClassVar[int]
    #: Within a target, creates/updates follow this kind order; deletes run in reverse.
    kind_order: ClassVar[tuple[str, ...]]
    #: Attributes that are written but never compared (generated secrets).
    write_only: ClassVar[Mapping[str, frozenset[str]]]
    #: Upper bound of targets of this platform talked to at once.
    max_concurrency: ClassVar[int]
    #: Kinds the blast-radius guard counts, one unit per occupier-owned resource.
    guarded_kinds: ClassVar[tuple[str, ...]]
    #: kind -> (list attribute, kind naming each entry's owner): a trunk's occupier VLANs.
    guarded_entries: ClassVar[Mapping[str, tuple[str, str]]]
    #: Guarded kinds that name the same thing on every target of a site (a VLAN id).
    guarded_sitewide: ClassVar[tuple[str, ...]]
    #: Template folders its commands (and files, mails) are rendered from.
    template_dirs: ClassVar[tuple[str, ...]]

    spec: TargetSpec

    def read(self) -> list[Resource]:
        """Live resources inside the managed scope only."""

    def render(self, changes: Sequence[Change]) -> list[str]:
        """The native commands `apply` would send (pure preview)."""

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        """Apply atomically where the platform allows; raise TargetError on failure.

        `commands` are the reviewed plan's, checked by the engine to equal
        `render(changes)`: a platform that sends text sends exactly these.
        """

    def persist(self) -> None:
        """Make the verified change survive a restart (startup config, config file).

        Called by the engine only after it verified this target's change, and again after
        a rollback of a saved change."""

    def close(self) -> None: ...

    def __enter__(self) -> Target: ...

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None: ...


def claim_refusal(target: str, change: Change, what: str) -> str:
    verb = {"create": "create", "update": "change", "delete": "delete"}[change.op]
    return (f"{target}: the plan would {verb} {change.kind} {change.key}, but that is {what}; "
            "reconciler only changes what it made. Free the name or number in the estate "
            "(another allocation, another MAC or user), or remove or rename it by hand to "
            "hand it over")


class TargetFactory(Protocol):
    def __call__(self, spec: TargetSpec, credential: Credential | None) -> Target: ...


class BaseTarget:
    """Convenience base: context manager and defaults; targets may ignore it."""

    wave: ClassVar[int] = 1
    kind_order: ClassVar[tuple[str, ...]] = ()
    write_only: ClassVar[Mapping[str, frozenset[str]]] = {}
    max_concurrency: ClassVar[int] = 8
    #: Kinds the blast-radius guard counts (a site's ports, users): deleting or
    #: disabling more than a share of them at once needs --allow-mass-change.
    guarded_kinds: ClassVar[tuple[str, ...]] = ()
    guarded_entries: ClassVar[Mapping[str, tuple[str, str]]] = {}
    guarded_sitewide: ClassVar[tuple[str, ...]] = ()
    template_dirs: ClassVar[tuple[str, ...]] = ()

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        self.spec = spec
        self.credential = credential
        #: What the last read() found under the scope's names or numbers that carries no
        #: mark of ours (made by hand): (kind, key) -> what it is. Never a resource, so
        #: never deleted; a plan that would create or change one is refused.
        self.foreign: dict[tuple[str, str], str] = {}

    def foreign_claims(self, changes: Sequence[Change]) -> list[str]:
        """Refusals, one per change that would take over something we did not make.

        Targets that cannot list such objects in read() (a controller with thousands
        of clients) look up the keys the changes create here instead.
        """
        return [claim_refusal(self.spec.id, c, self.foreign[(c.kind, c.key)])
                for c in changes if (c.kind, c.key) in self.foreign]

    def persist(self) -> None:
        return None  # nothing to save: the change is durable once applied (SQL, API)

    def close(self) -> None:
        return None

    def __enter__(self) -> BaseTarget:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
