from __future__ import annotations

import pytest

from parley.platform.services import Services
from tests.features.search.seed import Seeder


@pytest.fixture
def seed(services: Services) -> Seeder:
    return Seeder(services.db)
