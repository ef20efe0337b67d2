"""The demo's own markers: one item per finished step, so a second run of
seed_demo adds nothing. The table exists only on the local stack (seed_demo
makes it there; it is not one of medisecure.tables.TABLES), so not even a
marker can reach a real account."""

from __future__ import annotations

from medisecure import bootstrap, dynamo
from medisecure.tables import Key, Table

DEMO_STEPS = Table("demo-steps", Key("step"))


def markers_ensure() -> None:
    bootstrap.ensure_table(DEMO_STEPS)


def step_done(step: str) -> bool:
    return dynamo.get(DEMO_STEPS, {"step": step}) is not None


def step_mark(step: str, *, at: str, summary: str) -> bool:
    """Mark `step` as done; False if a run beside this one marked it first
    (the put is conditional, so only one marker is ever written)."""
    try:
        dynamo.put_new(DEMO_STEPS, {"step": step, "doneAt": at, "summary": summary})
    except dynamo.ItemExists:
        return False
    return True
