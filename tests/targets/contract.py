"""The contract every target honours, run against its lab system.

A platform's test module subclasses `TargetContract` and provides one fixture,
`contract_env`, returning a fresh `ContractEnv` (a lab system in a known state,
the spec and credential to reach it, and desired resources that need changes).
Every test here then runs for that platform unchanged:

    class TestEosContract(TargetContract):
        @pytest.fixture
        def contract_env(self, ...) -> Iterator[ContractEnv]: ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from reconciler.engine.credentials import Credential
from reconciler.engine.diff import diff, order_changes
from reconciler.engine.resources import OCCUPIER_ID, SITE, Change, Resource, TargetSpec
from reconciler.engine.target import ApplyResult, Target
from reconciler.errors import TargetError
from reconciler.targets import TARGETS


@dataclass
class ContractEnv:
    spec: TargetSpec
    credential: Credential | None
    #: Desired resources for this target; must differ from the lab's start state.
    desired: list[Resource]
    #: The whole state of the lab system (e.g. running-config text, every table row),
    #: compared in full to prove "nothing else changed".
    snapshot: Callable[[], Any]
    #: Make the next apply fail part-way (None: the platform cannot inject faults).
    inject_failure: Callable[[], None] | None = None
    clear_faults: Callable[[], None] | None = None


class TargetContract:
    """Behaviour every `Target` must show; subclasses provide `contract_env`."""

    def _target(self, env: ContractEnv) -> Target:
        target: Target = TARGETS[env.spec.platform](env.spec, env.credential)
        return target

    def _changes(self, target: Target, env: ContractEnv) -> list[Change]:
        return order_changes(diff(target.read(), env.desired, target.write_only),
                             target.kind_order)

    def _apply(self, target: Target, changes: Sequence[Change]) -> ApplyResult:
        result = target.apply(changes)
        assert not result.failed, result.error_text
        target.persist()  # as the engine does once the run is verified
        return result

    def test_class_data_declares_how_the_engine_drives_it(self, contract_env: ContractEnv) -> None:
        cls = TARGETS[contract_env.spec.platform]
        assert cls.platform == contract_env.spec.platform
        assert isinstance(cls.wave, int)
        assert cls.kind_order and all(isinstance(k, str) for k in cls.kind_order)
        assert set(cls.write_only) <= set(cls.kind_order)
        assert cls.max_concurrency >= 1
        # What the blast-radius guard counts is named by kinds the target has.
        assert set(cls.guarded_kinds) | set(cls.guarded_entries) <= set(cls.kind_order)
        assert set(cls.guarded_sitewide) <= set(cls.guarded_kinds) | set(cls.guarded_entries)
        assert all(isinstance(d, str) for d in cls.template_dirs)

    def test_every_resource_read_names_its_owner(self, contract_env: ContractEnv) -> None:
        """Ownership round-trips: what the estate gives an occupier reads back as theirs,
        and everything else as the site's (the guards and reports rely on it)."""
        with self._target(contract_env) as target:
            self._apply(target, self._changes(target, contract_env))
            live = {r.id: r.owner for r in target.read()}
        want = {r.id: r.owner for r in contract_env.desired}
        assert {i: live.get(i) for i in want} == want
        assert all(o == SITE or OCCUPIER_ID.fullmatch(o) for o in live.values())
        assert any(o != SITE for o in want.values()), "contract_env.desired must hold an occupier's"

    def test_read_sees_only_managed_resources_of_this_target(
            self, contract_env: ContractEnv) -> None:
        with self._target(contract_env) as target:
            live = target.read()
        assert all(r.target == contract_env.spec.id for r in live)
        assert all(r.kind in target.kind_order for r in live)
        assert len({r.id for r in live}) == len(live)

    def test_render_is_a_pure_preview(self, contract_env: ContractEnv) -> None:
        before = contract_env.snapshot()
        with self._target(contract_env) as target:
            changes = self._changes(target, contract_env)
            assert changes, "contract_env.desired must need changes"
            first = target.render(changes)
            assert first and first == target.render(changes)
        assert contract_env.snapshot() == before

    def test_apply_converges_and_a_second_diff_is_empty(self, contract_env: ContractEnv) -> None:
        with self._target(contract_env) as target:
            result = self._apply(target, self._changes(target, contract_env))
            assert result.changed
            assert self._changes(target, contract_env) == []

    def test_applying_no_changes_touches_nothing(self, contract_env: ContractEnv) -> None:
        before = contract_env.snapshot()
        with self._target(contract_env) as target:
            result = target.apply([])
        assert not result.changed and not result.failed
        assert contract_env.snapshot() == before

    def test_the_diff_swapped_restores_the_state_before(self, contract_env: ContractEnv) -> None:
        before_state = contract_env.snapshot()
        with self._target(contract_env) as target:
            before = target.read()
            self._apply(target, self._changes(target, contract_env))
            assert contract_env.snapshot() != before_state
            back = order_changes(diff(target.read(), before, target.write_only),
                                 target.kind_order)
            self._apply(target, back)
            assert diff(target.read(), before, target.write_only) == []
        assert contract_env.snapshot() == before_state

    def test_a_failed_apply_leaves_the_system_as_it_was(self, contract_env: ContractEnv) -> None:
        if contract_env.inject_failure is None:
            pytest.skip(reason=f"{contract_env.spec.platform} lab has no fault injection")
        before = contract_env.snapshot()
        with self._target(contract_env) as target:
            changes = self._changes(target, contract_env)
            contract_env.inject_failure()
            try:
                result = target.apply(changes)
                failed = result.failed
            except TargetError:
                failed = True
        assert failed
        assert contract_env.snapshot() == before
        if contract_env.clear_faults:
            contract_env.clear_faults()
            with self._target(contract_env) as target:
                self._apply(target, self._changes(target, contract_env))
                assert self._changes(target, contract_env) == []

    def test_no_secret_in_rendered_commands(self, contract_env: ContractEnv) -> None:
        cred = contract_env.credential or {}
        secrets = [v for k, v in cred.items() if k not in ("username", "user")]
        with self._target(contract_env) as target:
            text = "\n".join(target.render(self._changes(target, contract_env)))
        assert all(s not in text for s in secrets if s)
