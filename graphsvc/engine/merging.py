"""Merging two records of one stakeholder into one: every tie of the one moves to the other, and the
history of both stays.

The record merged away (``merge``) is deleted; each of its relations moves to the record kept
(``keep``) with its id, dates, strength and provenance, so that the history stays and the audit
log's "relation 12" still names it; a relation between the two is dropped. Reviews of suggestions
move the same way. The lists (themes, areas, tags, needs, offers) are united; where the kept record
has no value of a field, the merged one's is taken; a resident keeps the stricter visibility of
the two. The kept record lists the merged key in ``merged_from`` (with any it had merged before),
so that its history (``Store.history``) is both records'. All of it is one batch: all or nothing.

Relations to what the editor may not see (another municipality, a resident who objected) move too:
deleting them with the merged record would lose what nobody asked to lose; validation runs on the
whole graph for that reason, and a refusal names no such relation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import msgspec

from ..domain import Batch, Node, NodeKind, Relation, Review, Visibility
from ..domain.errors import refusal
from ..domain.records import to_node_record, to_relation_record
from .edits import changeable
from .engine import Engine
from .projection import Projection
from .view import View

LISTS = ("themes", "areas", "tags", "needs", "offers")
# Single values the kept record takes from the merged one where it has none.
GAPS = ("provenance", "type", "contact", "capacity", "status", "started", "ended", "holder")
STRICTER = {Visibility.PUBLIC: 0, Visibility.BROKERS: 1, Visibility.PRIVATE: 2}


def merge(engine: Engine, view: View, keep_key: str, merge_key: str) -> tuple[Node, int]:
    """Merge ``merge_key`` into ``keep_key`` (both stakeholders of one kind the caller may see);
    returns the kept record as written and how many relations moved."""
    keep = changeable(view, keep_key, "keepId")
    gone = changeable(view, merge_key, "mergeId")
    if keep_key == merge_key:
        raise refusal("MERGE_SAME_RECORD", "mergeId", "choose two different records")
    if keep.kind is not gone.kind:
        raise refusal("MERGE_KINDS_DIFFER", "mergeId", "only records of the same kind can be merged")
    moved: list[Relation] = []
    written: list[Batch] = []

    def build(v):
        p = engine.projection  # still: the write lock is held
        ties = engine.store.read_relations(_relation_ids(p, merge_key))
        between = sorted(i for i, rel in ties.items() if keep_key in (rel.source, rel.target))
        moved[:] = [_moved(rel, merge_key, keep_key) for i, rel in sorted(ties.items()) if i not in between]
        if any(v.relation_fast(to_relation_record(rel)) is None for rel in moved):
            v.problem("MERGE_TIE_MISFITS", "mergeId", "a tie of the record to merge does not fit the record kept")
        record = to_node_record(united(keep, gone))
        record.pop("updatedAt", None)
        node = v.node(record, "keepId")
        written.append(
            Batch(
                nodes=[node] if node else [],
                relations=moved,
                reviews=_moved_reviews(_reviews(p, merge_key), merge_key, keep_key, _reviews(p, keep_key)),
                delete_relations=between,
                delete_nodes=[merge_key],
            )
        )
        return written[-1]

    engine.edit(build)  # over the whole graph: ties to what the caller may not see move as well
    return written[-1].nodes[0], len(moved)  # as committed (stamped)


def united(keep: Node, gone: Node) -> Node:
    """The kept record with the merged one's list values added, its gaps filled, the stricter
    visibility, and the merged key (and those merged into it before) in ``merged_from``."""
    changes: dict = {name: _union(getattr(keep, name), getattr(gone, name)) for name in LISTS}
    changes.update({name: getattr(gone, name) for name in GAPS if getattr(keep, name) is None})
    if keep.kind is NodeKind.RESIDENT and keep.visibility and gone.visibility:
        changes["visibility"] = max(keep.visibility, gone.visibility, key=STRICTER.__getitem__)
    changes["merged_from"] = _union(keep.merged_from, (gone.id, *gone.merged_from))
    return msgspec.structs.replace(keep, **changes)


def _relation_ids(p: Projection, key: str) -> list[int]:
    """Every relation of the node, whoever may see its other end."""
    return sorted(r for other in p.graph._adj.get(key, {}) for r in p.edge_relations(key, other))


def _reviews(p: Projection, key: str) -> list[Review]:
    return [review for pair, review in p.reviews.items() if key in pair]


def _union(first: Iterable[str], then: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *then)))


def _moved(rel: Relation, old: str, new: str) -> Relation:
    return rel._replace(
        source=new if rel.source == old else rel.source, target=new if rel.target == old else rel.target
    )


def _moved_reviews(reviews: list[Review], old: str, new: str, kept: list[Review]) -> list[Review]:
    """The merged record's reviews as the kept one's; where the kept one has a verdict on the same
    other stakeholder, or the review was of the two together, the kept verdict stands."""
    others = {r.target if r.source == new else r.source for r in kept}
    found = []
    for review in reviews:
        other = review.target if review.source == old else review.source
        if other not in others and other != new:
            source, target = (new, other) if review.source == old else (other, new)
            found.append(dataclasses.replace(review, source=source, target=target))
    return found
