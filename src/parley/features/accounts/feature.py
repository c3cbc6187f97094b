"""The accounts feature's registration: logins (password, SSO links) apart from members."""

from __future__ import annotations

from parley.features.accounts import models
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
