from __future__ import annotations

import pytest

from parley.services import Services
from tests.search.seed import Seeder


@pytest.fixture
def seed(services: Services) -> Seeder:
    return Seeder(services.db)
