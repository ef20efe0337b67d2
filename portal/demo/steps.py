"""The demo clinic, step by step, in the order the steps run. Each step is
a function of the DemoClinic that writes through the rooms' services and
returns a line saying what it made; its name is the key of its marker, so
it must never change once a step has shipped.

A feature adds its own demo records as a new step: a module beside these
(portal/demo/<feature>.py) and one line below, after the steps whose people
or records it uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.demo.applications import applications_seed
from portal.demo.clinic import DemoClinic
from portal.demo.doctors import doctors_seed
from portal.demo.documents import documents_seed
from portal.demo.emergency import emergency_seed
from portal.demo.history import history_seed
from portal.demo.messages import messages_seed
from portal.demo.patients import patients_seed
from portal.demo.results import results_seed
from portal.demo.scheduling import scheduling_seed
from portal.demo.upcoming import upcoming_seed
from portal.demo.visits import visits_seed


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoClinic], str]


STEPS: tuple[Step, ...] = (
    Step("doctors", doctors_seed),
    Step("patients", patients_seed),
    Step("visits", visits_seed),
    Step("documents", documents_seed),
    Step("upcoming", upcoming_seed),
    Step("applications", applications_seed),
    Step("emergency", emergency_seed),
    Step("messages", messages_seed),
    Step("results", results_seed),
    Step("scheduling", scheduling_seed),
    # Last: it counts every step's changes too.
    Step("analytics", history_seed),
)
