"""Save the local stack's whole state under a name and bring it back later.

The test suite builds its starting stack (every table, the user pool, the
buckets, the email identity, the cast of people) once per session, saves it,
and restores it before each test: one request instead of the ~80 that build
it, which is most of what a test used to cost.

    POST /_local/snapshots/<name>          save what moto holds now
    POST /_local/snapshots/<name>/restore  make moto hold exactly that again

A restore also forgets the hosted UI's own state (sign-ins in flight, the
outbox, reset codes), as a reset does: a snapshot is taken with none.

moto keeps each service's state as the attributes of one backend object per
account and region; a backend's own `reset` replaces them the same way. The
saved attributes are deep-copied together, so objects shared between
backends stay shared, and a restore copies them again, so a test's changes
never reach the snapshot.
"""

from __future__ import annotations

import copy
import re
import threading

from moto.core.base_backend import BackendDict
from moto.core.common_models import BaseModel
from moto.core.model_instances import reset_model_data

SNAPSHOT_PATH = re.compile(r"^/_local/snapshots/(?P<name>[a-z0-9-]{1,40})(?P<restore>/restore)?$")


class UnknownSnapshot(KeyError):
    pass


class Snapshots:
    def __init__(self):
        self._saved: dict[str, tuple[list, list]] = {}
        self._lock = threading.Lock()

    def handles(self, environ) -> bool:
        return environ.get("REQUEST_METHOD") == "POST" and bool(
            SNAPSHOT_PATH.match(environ.get("PATH_INFO", ""))
        )

    def __call__(self, environ, start_response, *, forget_emulator_state):
        match = SNAPSHOT_PATH.match(environ["PATH_INFO"])
        name = match["name"]
        with self._lock:
            if match["restore"]:
                try:
                    self.restore(name)
                except UnknownSnapshot:
                    start_response("404 Not Found", [("Content-Type", "text/plain")])
                    return [b"no snapshot by that name\n"]
                forget_emulator_state()
            else:
                self.save(name)
        start_response("204 No Content", [])
        return []

    def save(self, name: str) -> None:
        places, states = [], []
        for backends in list(BackendDict._instances):
            # A service's own attributes too: S3 keeps its bucket namespace there.
            places.append((backends, None, None, backends))
            states.append(backends.__dict__)
            for account_id, regions in list(backends.items()):
                for region, backend in list(regions.items()):
                    places.append((backends, account_id, region, backend))
                    states.append(backend.__dict__)
        self._saved[name] = (places, copy.deepcopy(states, _keeping(places)))

    def restore(self, name: str) -> None:
        try:
            places, saved_states = self._saved[name]
        except KeyError:
            raise UnknownSnapshot(name) from None
        saved = {id(place[3]) for place in places if place[1] is not None}
        # What was made since the snapshot goes, as a reset would take it.
        for backends in list(BackendDict._instances):
            for regions in list(backends.values()):
                for backend in list(regions.values()):
                    if id(backend) not in saved:
                        backend.reset()
        memo = _keeping(places)
        states = copy.deepcopy(saved_states, memo)
        _track_as_made(memo.values())
        for (backends, account_id, region, backend), state in zip(places, states, strict=True):
            if account_id is None:
                backends.__dict__.update(state)
                continue
            # The same backend objects come back (a reset may have replaced
            # them): backends hold one another (SES v2 holds SES), and those
            # references must reach the live ones.
            regions = backends[account_id]
            if dict.get(regions, region) is not backend:
                dict.__setitem__(regions, region, backend)
            backend.__dict__ = state


def _track_as_made(objects) -> None:
    """moto lists every model it made (its /moto-api/data.json, which tests
    read the outbox from); a copy is made without it, so the list is
    rebuilt from the restored copies, as a reset empties it."""
    reset_model_data()
    for made in list(objects):
        if isinstance(made, BaseModel):
            type(made).instances_tracked.append(made)


def _keeping(places: list) -> dict:
    """A deepcopy memo that leaves the backend objects themselves as they
    are: only what they hold is copied."""
    return {id(backend): backend for *_, backend in places}
