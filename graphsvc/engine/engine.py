"""The graph engine: a store and its projection, kept in step.

All writes go through ``Engine.edit``, ``write`` or ``import_document``: validate, stamp, commit
to the store, then apply the committed batch to the projection. Reads go through ``Engine.view``. If another process
wrote to the same store, ``sync`` applies its changes from the store's change feed (or
rebuilds when the feed says too much changed); a rebuild builds a new projection and swaps
it in. Changes to the projection are applied where readers read (``change_projection_on``): the
API has them queued for its event loop, where every resolver first applies what is queued
(``apply_pending``), so a write waits for one resolver, not for a round of queued requests; a
committed write does not wait for its change to be applied (the next write does: ``_writing``).
``Engine.view`` makes each caller's ``View`` once per graph version and shares it until a write
supersedes that version; then the views, and everything analyses kept with them, are freed.
Changes to the projection are applied on the readers' thread, so that none lands in the middle of
a query. ``at_rest`` runs a read the same way, between two changes; ``frozen`` uses it to copy a
view for another thread; a thread that reads what it just wrote reads it there too.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any, TypeVar

import msgspec

from ..domain import Batch, ConflictError, Node, NodeKind, NotFoundError, Problem, Relation, RelationKind, Review
from ..domain.document import Locate, batch_from_document, default_locate
from ..domain.model import EPOCH, utcnow
from ..domain.records import to_node_record
from ..domain.trust import erased_label
from ..domain.validate import Context, Validator
from ..gcpause import paused_gc
from ..store import Applied, Changes, Store
from .frozen import FrozenView
from .projection import Projection, check_ids, edge_of
from .trust import Trust
from .view import BROKER, Basis, Permission, View, Viewer

T = TypeVar("T")
log = logging.getLogger("graphsvc.engine")


def build_projection(store: Store) -> Projection:
    """A projection of everything in ``store``, streamed page by page."""
    projection = Projection()
    version = store.version()
    projection.load(store.areas(), store.themes(), store.iter_nodes(), store.iter_edges(), version, store.reviews())
    return projection


def view_in_memory(
    batch: Batch, relations: Iterable[Relation], viewer: Viewer = BROKER, active_on: date | None = None
) -> View:
    """A view of a graph held only in memory: ``batch``'s areas, themes and nodes with ``relations``
    numbered 1, 2, ... (for evaluating on a part of a graph; nothing is stored), as it stood on
    ``active_on`` when given (what held that day; recency and load measured on it)."""
    projection = Projection()
    edges = [edge_of(r, i) for i, r in enumerate(relations, 1)]
    projection.load(batch.areas, batch.themes, [batch.nodes], [edges], version=1)
    return View(projection, viewer, active_on)


def import_into(store: Store, doc: Mapping[str, Any], locate: Locate = default_locate) -> Applied:
    """Validate an import document against what ``store`` holds and write it in one transaction,
    without a projection: for a process that only imports (``graphsvc import``). Reading the nodes,
    areas and themes costs a fraction of building the whole graph (a 100k/1M city: 0.5 s, not 4.4 s)."""
    nodes = {node.id: node for page in store.iter_nodes() for node in page}
    context = Context.over(nodes.get, {a.code: a for a in store.areas()}, [t.key for t in store.themes()])
    with paused_gc(freeze=True):  # a process that only imports
        batch = batch_from_document(doc, context, locate)
        check_ids(batch.relations, known=store.next_relation_id())
        return store.apply(batch)


Change = Callable[[], None]  # a change to the projection


BASIS_MOST_TOUCHED = 10_000  # nodes written since a basis was taken, beyond which a view starts afresh
VIEWS_KEPT = 16  # views of the current version kept for reuse: one per live (viewer, day, kinds)


class Engine:
    def __init__(self, store: Store, projection: Projection | None = None):
        self.store = store
        self.projection = projection if projection is not None else build_projection(store)
        self._write_lock = threading.Lock()
        self._readers: asyncio.AbstractEventLoop | None = None  # where changes are applied (None: at once)
        self._pending: deque[Change] = deque()  # changes waiting for the readers' thread, oldest first
        self._last_change: threading.Event | None = None  # set once the last write's change is applied
        self._committed = 0  # the version of the last write committed here
        self._applying = threading.RLock()  # one change (or read at rest) at a time where they apply at once
        self._views: OrderedDict[Hashable, View] = OrderedDict()  # of ``_views_of``, newest last
        self._views_of: tuple[Projection, int] | None = None
        self._bases: OrderedDict[Hashable, Basis] = OrderedDict()  # of superseded views, for their successors
        self._views_lock = threading.Lock()
        self.trust = Trust(store)

    def change_projection_on(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Apply every change to the projection on ``loop``'s thread (None: at once, in the writer's).

        Readers walk the projection's dicts unguarded, so a change must not land in the middle of a
        walk ("dictionary changed size during iteration", or a half-applied write). The API passes
        its event loop, where queries read; its resolvers call ``apply_pending`` between fields.
        """
        self._readers = loop

    @property
    def pending(self) -> bool:
        """Whether changes wait to be applied on the readers' thread."""
        return bool(self._pending)

    def apply_pending(self) -> None:
        """Apply the queued changes, oldest first (on the readers' thread, between two reads)."""
        while self._pending:
            try:
                change = self._pending.popleft()
            except IndexError:  # another caller on this thread took the last one
                return
            change()

    def _change(self, change: Change, wait: bool = True) -> None:
        """Apply ``change`` where readers read; with ``wait``, return once it is applied.

        A committed write does not wait (``_commit``): its change is queued before the writer's
        answer, so the event loop applies it before it resumes the writer, in the same turn of the
        loop, and a write waits for the loop once, not twice. The next write waits for it
        (``_writing``), and every reader applies it first (``apply_pending``).
        """
        loop = self._readers
        if loop is None or self._applies_here():
            with self._applying:  # with no loop, writers and readers at rest in several threads
                self.apply_pending()
                change()
            return
        done = threading.Event()
        failed: list[BaseException] = []

        def job() -> None:
            try:
                change()
            except BaseException as error:  # handed to the writer, which reports it
                failed.append(error)
                if not wait:  # nobody waits: the next write finds the projection's version behind and syncs
                    log.exception("could not apply a committed write to the projection")
            finally:
                done.set()

        self._pending.append(job)
        if not wait:
            self._last_change = done
        try:
            loop.call_soon_threadsafe(self.apply_pending)  # unless a resolver applies it first
        except RuntimeError:  # the loop has stopped: nobody reads any more
            self.apply_pending()
        if not wait:
            return
        done.wait()
        if failed:
            raise failed[0]

    def _applies_here(self) -> bool:
        """Whether changes are applied in this thread at once (no readers' loop, or this is it)."""
        loop = self._readers
        if loop is None or loop.is_closed():
            return True
        try:
            return asyncio.get_running_loop() is loop
        except RuntimeError:
            return False

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """The write lock, held once the last write's change is applied: a write validates against,
        and numbers from, the projection of the version before it."""
        with self._write_lock:
            last = self._last_change
            if last is not None and not last.is_set():
                if self._applies_here():
                    self.apply_pending()
                else:
                    last.wait()
            yield

    def at_rest(self, read: Callable[[], T]) -> T:
        """``read()`` run where changes to the projection are applied, between two of them, and its answer.

        In the API that is on the event loop (queued as a change is); elsewhere at once, under the
        lock the changes take. Keep ``read`` short: everything on the loop waits for it.
        """
        answer: list[T] = []
        self._change(lambda: answer.append(read()))
        return answer[0]

    def frozen(
        self,
        viewer: Viewer = BROKER,
        active_on: date | None = None,
        relation_kinds: frozenset[RelationKind] | None = None,
    ) -> FrozenView:
        """The caller's view of the current graph version, copied for reading in another thread.

        Two short turns where changes are applied: the view is made (or found), then copied. A write
        between the two only means the view of the newer version is made and copied in the second.
        """
        self.at_rest(lambda: self.view(viewer, active_on, relation_kinds))
        return self.at_rest(lambda: FrozenView(self.view(viewer, active_on, relation_kinds)))

    # -- reading ---------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The graph version of the last write or sync: the projection's, or the version a write
        committed here whose change is still on its way to where readers read (``_commit``)."""
        return max(self.projection.version, self._committed)

    def view(
        self,
        viewer: Viewer = BROKER,
        active_on: date | None = None,
        relation_kinds: frozenset[RelationKind] | None = None,
    ) -> View:
        """The caller's view of the current graph version: made on first use, shared until a write.

        Call it where changes to the projection are applied (the API's event loop), so that no
        change lands while a view is made. Every viewer of one role and scope shares the view, which
        names none of them (its viewer has no label).
        """
        key = (viewer, active_on, relation_kinds or None, date.today())  # a viewer's label is not in its key
        projection = self.projection
        current = (projection, projection.version)
        with self._views_lock:
            if self._views_of != current:
                self._views, self._views_of = OrderedDict(), current  # the old views go with their version
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        basis = self._bases.get(key)
        made = View(projection, dataclasses.replace(viewer, label=""), active_on, relation_kinds or None, basis)
        with self._views_lock:
            if self._views_of == current:
                made = self._views.setdefault(key, made)
                while len(self._views) > VIEWS_KEPT:
                    self._views.popitem(last=False)
        return made

    def context(self, viewer: Viewer | None = None) -> Context:
        """What validation may refer to: the nodes, areas and themes known now; with a ``viewer``,
        only those in its view, so that a relation to a node it may not see is UNKNOWN_NODE exactly
        like one to a node that does not exist. Call it under the write lock (the projection is
        then still) or on the API's event loop."""
        if viewer is None:
            return Context.over(self.projection.obj, self.projection.areas, self.projection.themes.keys())
        view = self.view(viewer)
        return Context.over(lambda key: view.node(key) if key in view else None, view.areas, view.themes.keys())

    # -- writing ---------------------------------------------------------------------------
    def import_document(self, doc: Mapping[str, Any], locate: Locate = default_locate) -> Applied:
        """Validate a whole import document, then write it in one transaction and project it.
        (A process that only imports needs no projection: ``import_into``; a caller of the API
        imports with ``import_for``.)"""
        with self._writing(), paused_gc():
            batch = batch_from_document(doc, self.context(), locate)
            return self._commit(batch)

    def import_for(
        self, viewer: Viewer, doc: Mapping[str, Any], replace: bool = False, locate: Locate = default_locate
    ) -> tuple[Applied, dict[str, str]]:
        """``import_document`` for a caller: the document is validated against the caller's view,
        its stakeholders must lie in the caller's municipalities, and a record whose id exists is
        refused (CONFLICT, whether the caller may see it or not) unless ``replace`` is given by an
        administrator. Returns what was written and what it replaced ('node id' -> changed fields)."""
        with self._writing(), paused_gc():
            batch = batch_from_document(doc, self.context(viewer), locate)
            self.check_scope(batch, viewer)
            replaced = self.replacing(batch)
            if replaced and not (replace and viewer.may(Permission.ADMINISTER)):
                problems = [
                    Problem("CONFLICT", where, "a record with this id exists; only an administrator may replace it")
                    for where in sorted(replaced)
                ]
                raise ConflictError(f"{len(problems)} record(s) exist", problems=problems)
            return self._commit(batch), replaced

    def check_scope(self, batch: Batch, viewer: Viewer) -> None:
        """Refuse stakeholders, meetings and areas outside a scoped viewer's municipalities."""
        if viewer.municipalities is None:
            return
        scope = ", ".join(sorted(viewer.municipalities))
        problems = [
            Problem("OUT_OF_SCOPE", f"{node.id}.areas", f"name an area in your municipalities ({scope})")
            for node in batch.nodes
            if not viewer.in_scope(node.areas)
        ]
        problems += [
            Problem("OUT_OF_SCOPE", f"{area.code}", f"only areas in your municipalities ({scope})")
            for area in batch.areas
            if not viewer.in_scope([area.code])
        ]
        if problems:
            raise ConflictError("outside your municipalities", problems=problems)

    def replacing(self, batch: Batch) -> dict[str, str]:
        """The records of ``batch`` that would replace stored ones (areas and themes only when they
        differ): 'kind id' -> the fields that change (names only, never values)."""
        p = self.projection
        found: dict[str, str] = {}
        for node in batch.nodes:
            old = p.obj(node.id)
            if isinstance(old, Node):
                before, after = to_node_record(old), to_node_record(node)
                changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
                found[f"node {node.id}"] = ",".join(k for k in changed if k not in ("createdAt", "updatedAt"))
        for rel in batch.relations:
            if rel.id is not None and 0 <= rel.id < len(p.kind) and p.kind[rel.id] >= 0:
                found[f"relation {rel.id}"] = "relation"
        for area in batch.areas:
            if area.code in p.areas and p.areas[area.code] != area:
                found[f"area {area.code}"] = "area"
        for theme in batch.themes:
            if theme.key in p.themes and p.themes[theme.key] != theme:
                found[f"theme {theme.key}"] = "theme"
        return found

    def edit(self, build: Callable[[Validator], Batch], viewer: Viewer | None = None) -> Applied:
        """Build a batch with a validator over the current graph (the ``viewer``'s view of it, when
        given) and commit it, under one lock.

        ``build`` turns input records into domain values with the validator; when the validator
        collected any problem, ``ValidationError`` is raised and nothing is written.
        """
        with self._writing():
            validator = Validator(self.context(viewer))
            batch = build(validator)
            validator.raise_if_any()
            return self._commit(batch)

    def erase(self, node_id: str, kinds: frozenset[NodeKind] = frozenset({NodeKind.RESIDENT})) -> str | None:
        """The resident leaves the store (with all their relations and reviews), the projection and
        every view; their id leaves the change feed, and the audit log names them by a random label
        from now on. Returns the label, or None when there is no such resident. ``kinds``: the kinds
        that may be erased so (a withdrawn self-registration erases the initiative or organisation too)."""
        with self._writing():
            node = self.projection.obj(node_id)
            if not (isinstance(node, Node) and node.kind in kinds):
                return None
            self._commit(Batch(delete_nodes=[node_id]))
        label = erased_label()
        self.trust.audit.flush()  # pending entries naming them reach the store before it forgets them
        for key in (node_id, *node.merged_from):  # the keys of records merged into theirs named them too
            self.store.forget(key, label)
        return label

    def set_objected(self, node_id: str, objected: bool) -> Node:
        """Record a resident's objection to the processing (AVG art. 21), or its end: an objecting
        resident is in no view at all (``Viewer.may_see``)."""
        with self._writing():
            node = self.projection.obj(node_id)
            if not (isinstance(node, Node) and node.kind is NodeKind.RESIDENT):
                raise NotFoundError("no resident with that id", field="id")
            changed = msgspec.structs.replace(node, objected=objected, updated_at=utcnow())
            self._commit(Batch(nodes=[changed]))
            return changed

    def stored(self, node_id: str) -> Node | None:
        """The node as stored now, whoever may see it (for answering a write with what it wrote)."""
        obj = self.projection.obj(node_id)
        return obj if isinstance(obj, Node) else None

    def write(self, batch: Batch) -> Applied:
        """Commit a batch that is already validated (by ``Validator`` against ``context()``)."""
        with self._writing():
            return self._commit(batch)

    def _commit(self, batch: Batch) -> Applied:
        batch.nodes = [
            self._stamped(node) if EPOCH in (node.created_at, node.updated_at) else node for node in batch.nodes
        ]
        self.projection.check_ids(batch.relations)
        known_before = self.projection.version
        applied = self.store.apply(batch)
        self._committed = applied.version
        if applied.version == known_before + 1:
            self._change(lambda: self._project(batch, applied), wait=False)
        else:  # another process wrote in between: take everything from the feed
            self._sync()
        return applied

    def _stamped(self, node: Node) -> Node:
        """A node built without the validator (which stamps), stamped as written now."""
        now = utcnow()
        existing = self.projection.obj(node.id)
        created = node.created_at if node.created_at != EPOCH else getattr(existing, "created_at", now)
        updated = node.updated_at if node.updated_at != EPOCH else now
        return msgspec.structs.replace(node, created_at=created, updated_at=updated)

    def _project(self, batch: Batch, applied: Applied) -> None:
        p = self.projection
        for theme in batch.themes:
            p.put_theme(theme)
        for area in batch.areas:
            p.put_area(area)
        for node in batch.nodes:
            p.put_node(node)
        p.put_relations(applied.numbered(batch.relations))
        for rel_id in batch.delete_relations:
            p.drop_relation(rel_id)
        for node_id in batch.delete_nodes:
            p.drop_node(node_id)
        for review in batch.reviews:
            p.put_review(review)
        p.version = applied.version
        self._forget_views()

    # -- keeping in step -------------------------------------------------------------------
    def sync(self) -> bool:
        """Apply what other processes wrote since our version; True if anything changed."""
        with self._writing():
            return self._sync()

    def _sync(self) -> bool:
        """``sync`` under the write lock: read what changed from the store, then apply it."""
        changes = self.store.changes_since(self.projection.version)
        if changes.version == self.projection.version:
            return False
        if changes.reload or changes.areas or changes.themes:
            rebuilt = build_projection(self.store)  # a new object: readers keep the one they hold

            def swap() -> None:
                self.projection = rebuilt
                self._forget_views(rebuilt=True)

            self._change(swap)
            return True
        nodes = self.store.read_nodes(sorted(changes.nodes)).values()
        relations = self.store.read_relations(sorted(changes.relations)).values()
        reviews = self.store.reviews() if changes.reviews else None
        self._change(lambda: self._apply(changes, nodes, relations, reviews))
        return True

    def _apply(
        self, changes: Changes, nodes: Iterable[Node], relations: Iterable[Relation], reviews: list[Review] | None
    ) -> None:
        p = self.projection
        for node_id in changes.deleted_nodes:
            p.drop_node(node_id)
        for rel_id in changes.deleted_relations:
            p.drop_relation(rel_id)
        for node in nodes:
            p.put_node(node)
        p.put_relations(relations)
        if reviews is not None:
            p.reviews = {(r.source, r.target): r for r in reviews}
        p.version = changes.version
        self._forget_views()

    def _forget_views(self, rebuilt: bool = False) -> None:
        """Drop the views of a superseded version, and all analyses kept with them. What decides who
        sees which node is kept (``Basis``), so that the next version's views ask the rule again only
        of the nodes written since; a rebuilt projection starts afresh."""
        touched = self.projection.take_touched()
        with self._views_lock:
            views, self._views, self._views_of = self._views, OrderedDict(), None
            if rebuilt:
                self._bases = OrderedDict()
                return
            bases = self._bases
            for key, view in views.items():
                bases[key] = view.basis
                bases.move_to_end(key)
            for basis in bases.values():
                basis.touched.update(touched)
            while len(bases) > VIEWS_KEPT:
                bases.popitem(last=False)
            self._bases = OrderedDict((k, b) for k, b in bases.items() if len(b.touched) <= BASIS_MOST_TOUCHED)
