"""The estimator graph: small named formulas wired by parameter names.

A formula is a pure function whose *name* is the quantity it computes and whose *parameter
names* are the quantities it needs, each with its unit in the name::

    def energy_per_output_token_j(step_time_s, batch, power_w): ...

:class:`Graph` resolves which formulas an output needs (``graphlib``), samples every input
once into a numpy array of length N, and evaluates the formulas in topological order with
array arithmetic only. Formulas must be elementwise over samples (each sample is one
independent world): large evaluations run in chunks of :data:`CHUNK_SAMPLES`, each input's
stream continuing across chunks, so the result is the same as one pass. Any node can be
overridden with a value or a distribution (then the
formula that would compute it is skipped), and :meth:`Evaluation.explain` shows a node's
inputs with their values and sources. A point estimate is the same evaluation with N=1 and
every input at its central value (median).
"""

from __future__ import annotations

import contextlib
import graphlib
import inspect
import itertools
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from gigawatt.dist import (
    Dist,
    FloatArray,
    Point,
    Summary,
    parse_node_value,
    sample_median,
    summarize,
)
from gigawatt.errors import UserInputError

if TYPE_CHECKING:
    from gigawatt.catalog.schema import Source

__all__ = ["Evaluation", "Formula", "Graph", "Input", "InputKind", "sharing_results"]


InputKind = Literal["scenario", "assumption", "default", "override", "catalogue"]


@dataclass(frozen=True)
class Formula:
    """One node: ``name`` = f(``inputs``). ``doc`` is the function's docstring."""

    name: str
    func: Callable[..., Any]
    inputs: tuple[str, ...]
    doc: str

    @classmethod
    def from_function(cls, func: Callable[..., Any]) -> Formula:
        """Wrap a plain function: its name is the output, its parameters are the inputs.

        Memoised per function (formulas are immutable): estimators build their graphs from
        the same functions many times, and reading a signature costs ~0.1 ms.
        """
        try:
            known = _FORMULAS.get(func)
        except TypeError:  # not weakly referenceable
            known = None
        if known is not None and type(known) is cls:
            return known
        params = tuple(inspect.signature(func).parameters)
        formula = cls(func.__name__, func, params, inspect.getdoc(func) or "")
        with contextlib.suppress(TypeError):
            _FORMULAS[func] = formula
        return formula


#: Formula of each function already wrapped (weak keys: a discarded function is forgotten).
_FORMULAS: weakref.WeakKeyDictionary[Callable[..., Any], Formula] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Input:
    """A leaf value of the graph with its provenance.

    ``value`` is a :class:`~gigawatt.dist.Dist` (or an array of pre-drawn samples, used by
    sensitivity analysis). ``kind`` says where it came from: the question being asked
    (``scenario``), a claimant's or our assumption, a catalogue record, a default, or a
    user override.
    """

    name: str
    value: Dist | FloatArray
    source: Source | None = None
    kind: InputKind = "default"
    note: str = ""

    @property
    def dist(self) -> Dist | None:
        """The distribution, or None when the input is a pre-drawn sample array."""
        return self.value if isinstance(self.value, Dist) else None

    def describe(self) -> str:
        """Human description of the value."""
        value = self.value
        if isinstance(value, Dist):
            return value.describe()
        return f"{value.size} pre-drawn samples"


def _stream_seed(seed: int, name: str) -> list[int]:
    """A per-input seed, so adding or overriding one input never changes another's samples."""
    return [seed, zlib.crc32(name.encode())]


class Graph:
    """A set of formulas that can be evaluated for any subset of outputs."""

    def __init__(self, formulas: Iterable[Callable[..., Any] | Formula], name: str = "graph"):
        self.name = name
        self.formulas: dict[str, Formula] = {}
        for item in formulas:
            f = item if isinstance(item, Formula) else Formula.from_function(item)
            if f.name in self.formulas:
                raise ValueError(f"two formulas compute {f.name!r} in graph {name!r}")
            self.formulas[f.name] = f

    # -- structure -----------------------------------------------------------------------------

    @property
    def node_names(self) -> set[str]:
        """Every name the graph knows: formula outputs and the inputs they need (a new set)."""
        return set(self._structure()[1])

    def _structure(
        self,
    ) -> tuple[dict[tuple[tuple[str, ...], frozenset[str]], list[Formula]], frozenset[str]]:
        """The remembered plans and node names, emptied when the formulas change."""
        state = tuple(self.formulas.items())
        if getattr(self, "_structure_state", None) != state:
            names = set(self.formulas)
            for f in self.formulas.values():
                names.update(f.inputs)
            self._plans: dict[tuple[tuple[str, ...], frozenset[str]], list[Formula]] = {}
            self._names = frozenset(names)
            self._structure_state = state
        return self._plans, self._names

    @property
    def leaf_names(self) -> set[str]:
        """Names no formula computes: they must be given as inputs."""
        return self.node_names - set(self.formulas)

    def check_name(self, name: str) -> None:
        """Raise a :class:`UserInputError` with suggestions if ``name`` is not a graph node."""
        names = self._structure()[1]
        if name not in names:
            close = get_close_matches(name, sorted(names), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UserInputError(f"no formula in the {self.name} graph uses {name!r}{hint}")

    def plan(self, outputs: Sequence[str], given: Iterable[str]) -> list[Formula]:
        """The formulas needed for ``outputs``, in evaluation order, given leaf names.

        A name in ``given`` is an override: the formula that would compute it is skipped.
        Raises :class:`UserInputError` naming the formula that needs a missing input.
        """
        given_set = set(given)
        key = (tuple(outputs), frozenset(given_set))
        plans = self._structure()[0]  # plans are remembered while the formulas stay
        known = plans.get(key)
        if known is not None:
            return list(known)
        for out in outputs:
            if out not in self.formulas and out not in given_set:
                self.check_name(out)
        needed: dict[str, Formula] = {}
        needed_by: dict[str, str] = {}
        stack = [o for o in outputs]
        while stack:
            name = stack.pop()
            if name in given_set or name in needed:
                continue
            formula = self.formulas.get(name)
            if formula is None:
                user = needed_by.get(name, name)
                raise UserInputError(
                    f"input {name!r} is needed by formula {user!r} and was not "
                    f"given{_hint_for(name, given_set)}; set it, e.g. overrides={{'{name}': VALUE}}"
                )
            needed[name] = formula
            for dep in formula.inputs:
                needed_by.setdefault(dep, name)
                stack.append(dep)
        sorter = graphlib.TopologicalSorter(
            {n: [d for d in f.inputs if d in needed] for n, f in needed.items()}
        )
        try:
            order = list(sorter.static_order())
        except graphlib.CycleError as exc:
            raise ValueError(f"formula cycle in {self.name}: {exc.args[1]}") from None
        plan = [needed[n] for n in order]
        if len(plans) < _MAX_PLANS:
            plans[key] = plan
        return list(plan)

    # -- evaluation ----------------------------------------------------------------------------

    def evaluate(
        self,
        outputs: Sequence[str],
        inputs: Mapping[str, Input | Dist | str | float | FloatArray],
        n: int = 10_000,
        seed: int = 0,
        point: bool = False,
        keep: Iterable[str] = (),
    ) -> Evaluation:
        """Evaluate ``outputs`` over ``n`` samples (or at central values when ``point``).

        ``inputs`` maps leaf (or overridden) names to :class:`Input`, a :class:`Dist`, a
        distribution string, a number or a sample array of length ``n``.

        Memory: only ``outputs`` and the names in ``keep`` stay in memory. Every other array
        (inputs and intermediates) is drawn just before its first consumer runs and freed after
        its last one, so a chain of k formulas over N samples peaks at about three arrays of N,
        not k. Anything freed is recomputed exactly on demand (each input has its own seeded
        stream, formulas are pure), so :meth:`Evaluation.summary` and
        :meth:`Evaluation.explain` still work for every node the evaluation touched.
        """
        if n < 1:
            raise UserInputError(f"the number of samples must be at least 1, got {n}")
        leaves = {name: self._as_input(name, value) for name, value in inputs.items()}
        plan = self.plan(outputs, leaves)
        used: set[str] = set(outputs)
        for f in plan:
            used.update(f.inputs)
        for name in used & set(leaves):
            value = leaves[name].value
            if isinstance(value, np.ndarray) and value.shape[:1] not in {(n,), (1,)}:
                raise UserInputError(f"input {name!r} has {value.shape[0]} samples, expected {n}")
        held = set(outputs) | (set(keep) & used)
        _check_memory(1 if point else n, len(held))
        evaluation = Evaluation(
            self,
            {},
            {k: v for k, v in leaves.items() if k in used},
            1 if point else n,
            seed,
            point,
            tuple(outputs),
        )
        evaluation._held = evaluation._run(plan, held)
        evaluation._known.update(f.name for f in plan)
        return evaluation

    def _as_input(self, name: str, value: Input | Dist | str | float | FloatArray) -> Input:
        if isinstance(value, Input):
            return value
        if isinstance(value, np.ndarray):
            return Input(name, value.astype(float), kind="override")
        return Input(name, parse_node_value(name, value), kind="override")


#: Most evaluation plans a graph remembers (by outputs and given names).
_MAX_PLANS = 256

#: Share of the available memory one evaluation may plan to use.
MEMORY_SHARE = 0.5
#: Bytes per sample of one node (float64).
BYTES_PER_SAMPLE = 8


def available_memory_bytes() -> int:
    """Memory this process may still allocate [B]: the free physical memory, capped by an
    address-space limit (``ulimit -v``) when one is set; 8 GiB when neither can be read."""
    import os
    import resource

    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        free = 8 * 2**30
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    return int(min(free, limit) if limit > 0 else free)


def _check_memory(size: int, nodes: int) -> None:
    """Refuse an evaluation whose held arrays (``size`` samples × ``nodes`` outputs and kept
    nodes × 8 B; intermediates are evaluated in bounded chunks)
    would need more than :data:`MEMORY_SHARE` of the available memory."""
    need = size * nodes * BYTES_PER_SAMPLE
    budget = MEMORY_SHARE * available_memory_bytes()
    if need > budget:
        from gigawatt.units import format_quantity

        most = max(int(budget // (nodes * BYTES_PER_SAMPLE)), 1)
        raise UserInputError(
            f"{size:,} samples of {nodes} nodes need about {format_quantity(need, 'B')} of "
            f"memory; {format_quantity(available_memory_bytes(), 'B')} is available: use "
            f"--samples {most:,} or fewer"
        )


def _hint_for(name: str, given: set[str]) -> str:
    close = get_close_matches(name, sorted(given), n=1, cutoff=0.6)
    return f" (you gave {close[0]!r}; a typo?)" if close else ""


CHUNK_SAMPLES = 1 << 18
"""Samples per evaluation chunk (2 MiB per float64 array): bounds the memory of intermediates."""


#: numpy's messages for a write into a read-only array (item assignment; a ufunc's ``out``).
_NUMPY_READ_ONLY = ("assignment destination is read-only", "output array is read-only")


def _leaf_chunk(
    item: Input,
    rngs: dict[str, np.random.Generator],
    seed: int,
    chunk: slice,
    point: bool,
    n: int = 0,
) -> FloatArray:
    """Samples ``chunk`` of an input; its generator (made on first use) continues from the
    previous chunk, so chunked draws equal one draw of all samples."""
    dist = item.dist
    if dist is None:
        samples = np.atleast_1d(np.asarray(item.value, dtype=float))
        if point:
            return _read_only(np.array([sample_median(samples)]))
        # a view: the caller's own array stays writeable, formulas cannot write through it
        return _read_only((samples if samples.shape[0] == 1 else samples[chunk]).view())
    if point or isinstance(dist, Point):
        return _read_only(np.array([dist.central]))
    whole = chunk.start == 0 and chunk.stop == n  # the evaluation is this one chunk
    key = (item.name, dist, seed, n) if whole else None
    if key is not None:
        drawn = _draws.get(key)
        if drawn is not None:
            return drawn
    rng = rngs.get(item.name)
    if rng is None:
        rng = rngs[item.name] = np.random.default_rng(_stream_seed(seed, item.name))
    samples = dist.sample(chunk.stop - chunk.start, rng)
    if key is not None and chunk.stop == samples.shape[0]:
        _draws.put(key, samples)
    return _read_only(samples)


def _read_only(values: FloatArray) -> FloatArray:
    """``values`` marked read-only: a leaf's samples feed every formula that reads the leaf,
    so one formula writing into them would change what the others see."""
    values.flags.writeable = False
    return values


class _Draws:
    """Recent single-chunk draws of leaves, by (name, distribution, seed, samples) (and, as
    :data:`_nodes`, formula results by node id).

    A leaf's samples depend only on those four (its own seeded stream), so evaluations that
    share leaves draw the same numbers: an audit evaluates one chain many times (reproduction,
    re-estimate, out-of-scope parts, every sweep cell), and each leaf is drawn once. Only whole
    evaluations of at most :data:`CHUNK_SAMPLES` samples are kept (a later chunk continues its
    generator's state), at most :data:`MAX_DRAW_BYTES` in all, least recently used first out.
    Entries are read-only and shared without copying: a formula that writes into its input
    fails at once (:meth:`Evaluation._run` names it) instead of changing another evaluation's
    numbers, and the arrays an evaluation hands out are its own writable copies
    (:func:`_assemble`).
    """

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[Any, ...], FloatArray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> FloatArray | None:
        try:
            with self._lock:
                found = self._items.get(key)
                if found is None:
                    return None
                self._items.move_to_end(key)
        except TypeError:  # a distribution that cannot be hashed: never kept
            return None
        return found

    def put(self, key: tuple[Any, ...], samples: FloatArray) -> None:
        if samples.nbytes > MAX_DRAW_BYTES:
            return
        try:
            hash(key)
        except TypeError:
            return
        kept = samples if samples.flags.owndata else samples.copy()  # never a view's base
        kept.flags.writeable = False
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += kept.nbytes - (old.nbytes if old is not None else 0)
            self._items[key] = kept
            while self._bytes > MAX_DRAW_BYTES:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped.nbytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


#: Most bytes of leaf draws kept for reuse across evaluations.
MAX_DRAW_BYTES = 64 * 2**20
_draws = _Draws()


class _NodeIds:
    """Small integer ids for what a node's samples are a function of, so that a node computed
    by the same formula from the same inputs in another evaluation is recognised.

    A leaf's id stands for (name, distribution, seed, samples, point): its samples depend on
    nothing else (its own seeded stream). A formula node's id stands for (function, ids of its
    inputs), formulas being pure. Ids are never reused; the table is emptied when it grows past
    :data:`MAX_NODE_IDS` (later evaluations then get new ids, and the old entries age out)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[Any, ...], int] = {}
        self._counter = itertools.count(1)

    def of(self, key: tuple[Any, ...]) -> int | None:
        # no lock: dict.get, dict.setdefault and next(count) are each atomic in CPython, so
        # two threads asking for the same key get the same id and no id is given twice
        try:
            found = self._ids.get(key)
            if found is None:
                if len(self._ids) >= MAX_NODE_IDS:
                    self._ids.clear()
                found = self._ids.setdefault(key, next(self._counter))
        except TypeError:  # something that cannot be hashed: no id, never shared
            return None
        return found


#: Most entries in the node-id table.
MAX_NODE_IDS = 1 << 16
_node_ids = _NodeIds()
#: Recent single-chunk formula results by node id, kept inside :func:`sharing_results` only.
#: Same bounds and read-only sharing as :data:`_draws`.
_nodes = _Draws()
_sharing = {"depth": 0}
_sharing_lock = threading.Lock()


@contextlib.contextmanager
def sharing_results() -> Iterator[None]:
    """Within this block, evaluations share formula results: a node computed before by the same
    formula from the same inputs (see :class:`_NodeIds`) is taken, not computed again. For a
    caller that evaluates one chain many times with a few inputs changed (an audit: its
    reproduction, re-estimate, out-of-scope parts and every sweep cell); the numbers are the
    same as without it. Outside, nothing is kept: a single estimate pays neither the
    bookkeeping nor the memory (at most :data:`MAX_DRAW_BYTES`, freed when the outermost block
    ends). Blocks nest."""
    with _sharing_lock:
        _sharing["depth"] += 1
    try:
        yield
    finally:
        with _sharing_lock:
            _sharing["depth"] -= 1
            if _sharing["depth"] == 0:
                _nodes.clear()


def _assemble(
    out: dict[str, FloatArray], name: str, chunk: FloatArray, start: int, stop: int, n: int
) -> None:
    """Write one chunk of ``name`` into ``out``; a node constant over samples stays (1,). A
    shared read-only array (:class:`_Draws`) is copied: what an evaluation holds is its own."""
    whole = out.get(name)
    if whole is None:
        if (start == 0 and stop == n) or (chunk.shape[0] == 1 and stop - start > 1):
            out[name] = chunk if chunk.flags.writeable else chunk.copy()
            return
        whole = out[name] = np.empty((n, *chunk.shape[1:]))
    if whole.shape[0] == 1 and n > 1:
        return  # constant over samples: every chunk gives the same single value
    whole[start:stop] = chunk


class _Values(Mapping[str, "FloatArray"]):
    """Every node an evaluation touched, by name; arrays that were freed are recomputed."""

    def __init__(self, evaluation: Evaluation) -> None:
        self._ev = evaluation

    def __getitem__(self, name: str) -> FloatArray:
        return self._ev._value(name)

    def __contains__(self, name: object) -> bool:
        return name in self._ev._known

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._ev._known))

    def __len__(self) -> int:
        return len(self._ev._known)


class Evaluation:
    """The sampled values of every node touched by an evaluation.

    ``values`` maps every touched node (inputs, intermediates, outputs) to its array of
    shape ``(n,)`` or ``(1,)``; only the outputs (and names asked to be kept) are held in
    memory, the rest is recomputed from the same seeded streams when read.
    """

    def __init__(
        self,
        graph: Graph,
        values: dict[str, FloatArray],
        inputs: dict[str, Input],
        n: int,
        seed: int,
        point: bool,
        outputs: tuple[str, ...] = (),
    ) -> None:
        self.graph = graph
        self.inputs = inputs
        self.n = n
        self.seed = seed
        self.point = point
        self.outputs = outputs
        self._held: dict[str, FloatArray] = dict(values)
        self._known: set[str] = set(values) | set(inputs)
        #: node ids (see :class:`_NodeIds`) of the nodes evaluated; None: not shared
        self._ids: dict[str, int | None] = {}

    @property
    def values(self) -> Mapping[str, FloatArray]:
        """Every touched node's samples (recomputed on read where it was freed)."""
        return _Values(self)

    def _run(self, plan: list[Formula], targets: set[str]) -> dict[str, FloatArray]:
        """Evaluate ``plan`` chunk by chunk and return the arrays of ``targets``.

        Within a chunk each array is freed after its last consumer; only ``targets`` are
        assembled over all samples. Held arrays stand in for the formulas that made them.
        """
        consumers: dict[str, int] = {}
        for f in plan:
            for dep in f.inputs:
                consumers[dep] = consumers.get(dep, 0) + 1
        rngs: dict[str, np.random.Generator] = {}
        out: dict[str, FloatArray] = {}
        ids = self._ids
        # results of one-chunk evaluations are shared, inside sharing_results()
        single = self.n <= CHUNK_SAMPLES and _sharing["depth"] > 0

        def node_id(name: str) -> int | None:
            if name not in ids:
                item = self.inputs.get(name)
                dist = item.dist if item is not None and name not in self._held else None
                ids[name] = (
                    _node_ids.of(("leaf", name, dist, self.seed, self.n, self.point))
                    if single and dist is not None
                    else None
                )
            return ids[name]

        for start in range(0, self.n, CHUNK_SAMPLES):
            stop = min(start + CHUNK_SAMPLES, self.n)
            chunk = slice(start, stop)
            live: dict[str, FloatArray] = {}
            remaining = dict(consumers)

            def get(name: str, live: dict[str, FloatArray] = live, sl: slice = chunk) -> FloatArray:
                if name not in live:
                    held = self._held.get(name)
                    live[name] = (
                        (held if held.shape[0] == 1 else held[sl])
                        if held is not None
                        else _leaf_chunk(self.inputs[name], rngs, self.seed, sl, self.point, self.n)
                    )
                return live[name]

            for f in plan:
                key: int | None = None
                if single:
                    parts = [node_id(p) for p in f.inputs]
                    if None not in parts:
                        key = _node_ids.of((f.func, *parts))
                found = _nodes.get((key,)) if key is not None else None
                if found is None:
                    try:
                        result = f.func(*(get(p) for p in f.inputs))
                    except ValueError as exc:
                        # numpy's own words for a write into a read-only array (x[...] = v;
                        # x *= v): any other ValueError is the formula's own
                        if not any(m in str(exc) for m in _NUMPY_READ_ONLY):
                            raise
                        raise ValueError(
                            f"formula {f.name!r} wrote into one of its inputs "
                            f"({', '.join(f.inputs)}): inputs are shared between evaluations "
                            "and read-only; return a new array instead"
                        ) from exc
                    found = np.atleast_1d(np.asarray(result, dtype=float))
                    if key is not None and f.name not in targets:
                        # a target is handed out: shared, it would have to be copied
                        _nodes.put((key,), found)
                live[f.name] = found
                ids[f.name] = key
                for dep in f.inputs:
                    remaining[dep] -= 1
                    if remaining[dep] == 0 and dep not in targets:
                        live.pop(dep, None)  # never read when its consumer was found computed
            for name in targets:
                _assemble(out, name, get(name), start, stop, self.n)
        return out

    def _value(self, name: str) -> FloatArray:
        """A node's samples: held, or recomputed exactly from the inputs' seeded streams."""
        if name not in self._known:
            raise KeyError(f"{name!r} was not evaluated; evaluated: {sorted(self._known)}")
        held = self._held.get(name)
        if held is not None:
            return held
        plan = self.graph.plan([name], set(self.inputs) | set(self._held))
        value = self._run(plan, {name})[name]
        if value.shape[0] <= CHUNK_SAMPLES:
            self._held[name] = value  # small: keep it for the next read (explain walks twice)
        return value

    def release(self) -> None:
        """Free every held array, outputs included: a node read later is recomputed exactly
        from the inputs' seeded streams. For a caller that derives a larger evaluation from
        this one (the footprint layer) and would otherwise hold both in memory at once."""
        self._held.clear()

    def __getitem__(self, name: str) -> FloatArray:
        try:
            value = self._value(name)
        except KeyError as exc:
            raise KeyError(exc.args[0]) from None
        return np.broadcast_to(value, (self.n,)) if value.shape != (self.n,) else value

    def summary(self, name: str) -> Summary:
        """Median, mean and 90% interval of a node."""
        return summarize(self[name])

    def central(self, name: str) -> float:
        """The median of a node (its value, for a point evaluation)."""
        value = self._value(name)
        # np.median of one value is that value, but its NaN check imports numpy.ma (~40 ms)
        return float(value.flat[0]) if value.size == 1 else sample_median(value)

    def explain(self, name: str) -> dict[str, Any]:
        """A node's formula, value and direct inputs with their values and sources."""
        formula = self.graph.formulas.get(name)
        entry: dict[str, Any] = {"name": name, "value": self.summary(name).to_dict()}
        if name in self.inputs or formula is None:
            item = self.inputs.get(name)
            entry.update(
                formula=None,
                kind=item.kind if item else "unknown",
                value_text=item.describe() if item else "",
                source=item.source.cite() if item and item.source else None,
                note=item.note if item else "",
            )
            return entry
        entry.update(
            formula=formula.name,
            doc=formula.doc,
            inputs=[self.explain(dep) for dep in formula.inputs],
        )
        return entry

    def sources(self) -> list[dict[str, Any]]:
        """Every leaf input used, with its value description, kind and source."""
        return [
            {
                "name": name,
                "value": item.describe(),
                "kind": item.kind,
                "source": item.source.cite() if item.source else None,
                "note": item.note,
            }
            for name, item in sorted(self.inputs.items())
        ]
