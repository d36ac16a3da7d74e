"""The shipped knowledge base indexed with the real model, once per test session."""

from __future__ import annotations

import pytest

from tests.integration import KNOWLEDGE, RealIndex, build_real


@pytest.fixture(scope="session")
def real_knowledge(tmp_path_factory: pytest.TempPathFactory) -> RealIndex:
    """Built on first use; a module that changes its `Basis` opens its own over this index."""
    return build_real(KNOWLEDGE, tmp_path_factory)
