"""The dependency locks stay locks of their .in files: recompiled whenever an
.in changes, every package pinned and hashed, one version in every layer.
`make lock` recompiles them (tools/lock.py)."""

import shutil

import pytest

from tools import lock as locks

each_lock = pytest.mark.parametrize("lock", locks.LOCKS, ids=lambda lock: lock.lock)
# The bottom layer has no lock below it to agree with.
each_layered_lock = pytest.mark.parametrize(
    "lock", [lock for lock in locks.LOCKS if lock.below], ids=lambda lock: lock.lock
)


@each_lock
def test_each_lock_was_compiled_from_its_in_file_as_it_stands(lock):
    assert locks.stale_reasons(lock) == []


@each_lock
def test_an_in_file_edited_after_its_lock_was_compiled_makes_the_lock_stale(lock, tmp_path):
    for path in locks.REPO.glob("requirements*.*"):
        shutil.copy(path, tmp_path / path.name)
    source = tmp_path / "requirements-runtime.in"
    source.write_text(source.read_text() + "a-package-no-lock-pins==1.0\n")

    reasons = locks.stale_reasons(lock, repo=tmp_path)

    assert any("compiled from another" in reason for reason in reasons), reasons
    assert any("a-package-no-lock-pins" in reason and "does not pin" in reason for reason in reasons), reasons


@each_lock
def test_every_package_a_lock_installs_is_pinned_with_the_hashes_of_its_files(lock):
    pinned = locks.pins(locks.REPO / lock.lock)

    assert pinned and all(version and hashes for version, hashes in pinned.values())
    # Wheels for other platforms as well as this one: the image is built elsewhere.
    if "cryptography" in pinned:
        assert pinned["cryptography"][1] > 10


@each_layered_lock
def test_a_lock_never_differs_from_the_one_below_it(lock):
    below = locks.pins(locks.REPO / lock.below)
    pinned = locks.pins(locks.REPO / lock.lock)

    assert set(below) <= set(pinned)
    assert {name: pinned[name][0] for name in below} == {
        name: version for name, (version, _) in below.items()
    }
