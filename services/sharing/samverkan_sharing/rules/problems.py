"""The one answer to a query the rule engine cannot read: a 422 problem naming the field.

`POST /v1/rules/evaluate` and the disclosure flow both read their query with
`query_from_contract_dict`; both answer its `InvalidQuery` the same way.
"""

from samverkan_shared.problems import UnprocessableContent
from samverkan_sharing.rules import InvalidQuery

__all__ = ["invalid_query"]


def invalid_query(error: InvalidQuery) -> UnprocessableContent:
    """The problem to raise for `error` (its message names the path and what is wrong)."""
    return UnprocessableContent(
        str(error), errors=[{"pointer": "#", "detail": str(error)}]
    )
