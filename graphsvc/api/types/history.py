"""HistoryEntry: one act on a record, from the audit log (editors see a record's history)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ...domain.trust import AuditEntry


@strawberry.type(description="One act on a record in the audit log: when, what (the mutation), and its detail.")
class HistoryEntry:
    at: datetime
    action: str = strawberry.field(description="The mutation or command, e.g. createStakeholder, mergeStakeholders")
    detail: str | None = strawberry.field(description="Field names, counts, relation numbers: never personal data")

    @classmethod
    def of(cls, entry: AuditEntry) -> HistoryEntry:
        return cls(at=entry.at, action=entry.action, detail=entry.detail)
