"""Registers the suite's shared fixtures for every test folder."""

pytest_plugins = [
    "tests.support.browser",
    "tests.support.databases",
    "tests.support.processes",
    "tests.support.tokens",
    "tests.support.suite",
]
