"""Sync fixtures (see tests/sync/fixtures.py)."""

from tests.sync.fixtures import basis, stub, sync_settings

__all__ = ["basis", "stub", "sync_settings"]
