"""The audit-log's HTTP routes, one module per resource."""

from samverkan_audit_log.routes import checkpoint, entries, export, proofs, subjects

__all__ = ["checkpoint", "entries", "export", "proofs", "subjects"]
