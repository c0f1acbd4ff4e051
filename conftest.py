"""Registers the suite's shared fixtures for every test folder."""

from hypothesis import settings

pytest_plugins = [
    "tests.support.browser",
    "tests.support.databases",
    "tests.support.processes",
    "tests.support.tokens",
    "tests.support.suite",
]

# No time limit per example: what the properties check is never how fast, and a busy
# 2-core machine can take longer than hypothesis's default 200 ms for one.
settings.register_profile("samverkan", deadline=None)
settings.load_profile("samverkan")
