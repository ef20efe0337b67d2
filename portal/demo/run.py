"""Running the steps: each one not marked done runs, then is marked."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from medisecure import clock
from portal.demo import repository
from portal.demo.clinic import DemoClinic
from portal.demo.guard import local_stack_check
from portal.demo.steps import STEPS, Step


@dataclass(frozen=True)
class StepOutcome:
    name: str
    ran: bool
    summary: str
    seconds: float


def demo_seed(
    *, password: str, steps: Iterable[Step] = STEPS, report: Callable[[StepOutcome], None] = lambda _: None
) -> list[StepOutcome]:
    """Seed the demo clinic on the local stack (DemoRefused anywhere else).
    A step marked done by an earlier run is skipped; a step cut short by an
    error is not marked, and the next run does it again (its fixed ids and
    the services' own refusals keep what it made once from being doubled)."""
    local_stack_check()
    repository.markers_ensure()
    clinic = DemoClinic(password=password)
    outcomes = []
    for step in steps:
        began = time.monotonic()
        if repository.step_done(step.name):
            outcome = StepOutcome(step.name, ran=False, summary="done before", seconds=0.0)
        else:
            summary = step.run(clinic)
            repository.step_mark(step.name, at=clock.stamp(clock.recorded_now()), summary=summary)
            outcome = StepOutcome(step.name, ran=True, summary=summary, seconds=time.monotonic() - began)
        report(outcome)
        outcomes.append(outcome)
    return outcomes
