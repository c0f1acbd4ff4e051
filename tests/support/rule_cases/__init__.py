"""The legal case tables of the rules tests, by paragraph of law, and how a case is read."""

from samverkan_sharing.rules import Decision


def only_field(decision: Decision) -> tuple[str, list[str], str | None]:
    field = decision.to_contract_dict()["fields"][0]
    return field["outcome"], field["legal_basis"], field["assessment"]
