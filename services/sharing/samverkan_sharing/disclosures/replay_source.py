"""Stored disclosures as the rule engine's replay input, one query per tip."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from samverkan_sharing.disclosures.models import DisclosureRecord
from samverkan_sharing.rules import InvalidQuery, query_from_contract_dict
from samverkan_sharing.rules.replay import StoredDecision

__all__ = ["stored_decisions"]


def stored_decisions(
    records: list[DisclosureRecord], unreadable: list[str] | None = None
) -> Iterator[StoredDecision]:
    """Each record's parts with the decision fields that belong to them (prefix removed).

    A stored query today's engine refuses (e.g. an offence reference in no accepted
    form) is named in `unreadable` and left out, never replayed on a guess.
    """
    for record in records:
        for part in record.query["parts"]:
            prefix = part["prefix"]
            fields: list[dict[str, Any]] = [
                {**f, "name": f["name"][len(prefix) :]}
                for f in record.decision["fields"]
                if f["name"].startswith(prefix)
            ]
            label = f"{record.id} (tip {part['tip_id']})" if prefix else record.id
            try:
                query = query_from_contract_dict(
                    part["query"], today=date.fromisoformat(part["query"]["as_of"])
                )
            except InvalidQuery as error:
                if unreadable is not None:
                    unreadable.append(f"{label}: {error}")
                continue
            version = record.decision.get("catalogue_version", "")
            yield label, query, {"fields": fields, "catalogue_version": version}
