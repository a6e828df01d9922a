"""Copy a whole graph from one store to another (SQLite to Neo4j and back), in pages.

``graphsvc copy --from STORE --to STORE`` calls ``copy_store``. The target must be empty.
Everything is streamed page by page, so neither side holds the graph twice: themes and
areas first, then nodes, then relations with their ids kept (so ids in the change feed,
in reviews and in clients stay valid), then reviews. Each page is one batch, atomic on its
own; the copy as a whole is not: if it stops halfway, empty the target and run it again.
At the end the counts per kind, relation kind and area must be equal on both sides.
"""

from __future__ import annotations

from tqdm import tqdm

from ..domain import Batch, ConflictError, GraphsvcError
from ..store import Store

NODE_PAGE = 10_000
RELATION_PAGE = 20_000


def copy_store(source: Store, target: Store, progress: bool = True) -> dict[str, dict[str, int]]:
    """Copy everything in ``source`` into the empty ``target``; the counts, checked equal on both."""
    if target.version() != 0 or any(target.counts().values()):
        raise ConflictError(f"the target store {target.url} is not empty", field="to")
    counts = tally(source)
    total = sum(counts["nodes"].values()) + sum(counts["relations"].values())
    with tqdm(total=total, desc="copy", unit="records", disable=not progress) as bar:
        target.apply(Batch(themes=source.themes(), areas=source.areas()))
        for nodes in source.iter_nodes(NODE_PAGE):
            target.apply(Batch(nodes=nodes))
            bar.update(len(nodes))
        for relations in source.iter_relations(RELATION_PAGE):
            target.apply(Batch(relations=relations))
            bar.update(len(relations))
        if reviews := source.reviews():
            target.apply(Batch(reviews=reviews))
    copied = tally(target)
    if copied != counts:
        raise GraphsvcError(
            f"the copy in {target.url} does not count the same as {source.url}: {_difference(counts, copied)}"
        )
    return copied


def tally(store: Store) -> dict[str, dict[str, int]]:
    """``store.counts()`` plus how many themes, areas and reviews it holds."""
    listed = {"themes": len(store.themes()), "areas": len(store.areas()), "reviews": len(store.reviews())}
    return {**store.counts(), "listed": listed}


def _difference(expected: dict[str, dict[str, int]], got: dict[str, dict[str, int]]) -> str:
    """The first few counts that differ, as ``relations.KNOWS: 10 != 9``."""
    wrong = [
        f"{part}.{key}: {expected[part].get(key, 0)} != {got[part].get(key, 0)}"
        for part in expected
        for key in sorted(set(expected[part]) | set(got[part]))
        if expected[part].get(key, 0) != got[part].get(key, 0)
    ]
    return "; ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
