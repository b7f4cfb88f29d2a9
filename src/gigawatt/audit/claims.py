"""Load claim files and check them against the estimator graphs, with line-numbered errors.

A claim file is YAML: one claim as a mapping (with an optional ``sources:`` map of citations
its ``source: KEY`` fields refer to), or a catalogue-style file ``{kind: claim, sources,
records: [...]}``. See docs/claims.md for the format. Errors name the file, the line and the
field, e.g. ``my-claim.yaml:14: claim 'x', field 'inputs.gpus': no formula in the fleet
graph uses 'gpus'; did you mean 'accelerators'?``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from gigawatt.audit.chain import Chain, Resolver, build_chain, default_resolver
from gigawatt.catalog.claim import Claim, claimed_dist, dist_text
from gigawatt.catalog.loader import file_sources_of, resolve_sources, shared_sources
from gigawatt.catalog.yamlio import LineDict, line_of, read_yaml
from gigawatt.dist import parse_dist
from gigawatt.errors import CatalogError, UnknownIdError, UserInputError
from gigawatt.units import dimension_of_name

__all__ = [
    "ClaimError",
    "LoadedClaim",
    "builtin_claims",
    "check_claim",
    "find_claim",
    "load_claim_file",
    "output_dimension",
]


class ClaimError(UserInputError):
    """A claim file that does not load or does not fit the estimators (names file and line)."""


@dataclass(frozen=True)
class LoadedClaim:
    """A validated claim with where it came from (for line-numbered errors)."""

    claim: Claim
    path: Path | None = None
    raw: Any = None

    def where(self, *loc: Any) -> str:
        """``file:line`` of the field at ``loc`` (the claim's own line when unknown)."""
        path, raw = self.path, self.raw
        if path is None and raw is None:  # a catalogue record: the built-in file has its lines
            builtin = _builtin_source(self.claim)
            if builtin is not None:
                path, raw = builtin.path, builtin.raw
        line = line_of(raw, tuple(loc)) if raw is not None else None
        name = str(path) if path else "<catalogue>"
        return f"{name}:{line or '?'}"

    def error(self, loc: tuple[Any, ...], message: str) -> ClaimError:
        """A :class:`ClaimError` at ``loc`` (a tuple of keys) with ``message``."""
        field = ".".join(str(p) for p in loc) or "claim"
        return ClaimError(
            f"{self.where(*loc)}: claim {self.claim.id!r}, field {field!r}: {message}"
        )


def output_dimension(name: str) -> str:
    """The dimension of an output node by its name (dimensionless when it has no unit suffix)."""
    return dimension_of_name(name) or "dimensionless number"


def _err(path: Path, raw: Any, loc: tuple[Any, ...], message: str) -> ClaimError:
    ident = raw.get("id", "?") if isinstance(raw, dict) else "?"
    field = ".".join(str(p) for p in loc) or "claim"
    return ClaimError(
        f"{path}:{line_of(raw, loc) or '?'}: claim {ident!r}, field {field!r}: {message}"
    )


def _precheck(raw: dict[str, Any], path: Path) -> None:
    """Check every distribution in ``raw`` with the line of its field (before pydantic)."""
    inputs = raw.get("inputs")
    if isinstance(inputs, dict):
        for name, item in inputs.items():
            if not isinstance(item, dict):
                raise _err(
                    path, raw, ("inputs", name), "expected a mapping with role, value and source"
                )
            for key in ("value", "estimate"):
                if item.get(key) is None:
                    continue
                try:
                    parse_dist(dist_text(item[key], item.get("unit")), dimension_of_name(str(name)))
                except UserInputError as exc:
                    raise _err(
                        path, raw, ("inputs", name, key), f"malformed distribution: {exc}"
                    ) from None
    claimed = raw.get("claimed")
    if isinstance(claimed, dict) and isinstance(claimed.get("output"), str) and "value" in claimed:
        try:
            claimed_dist(claimed["output"], dist_text(claimed["value"], claimed.get("unit")))
        except (ValueError, UserInputError) as exc:
            raise _err(path, raw, ("claimed", "value"), str(exc)) from None


def dimension_article(dimension: str) -> str:
    """``"a power"``, ``"an energy"``... for messages."""
    return f"{'an' if dimension[:1] in 'aeiou' else 'a'} {dimension}"


def _friendly(message: str, loc: tuple[Any, ...]) -> str:
    message = message.removeprefix("Value error, ")
    if message == "Field required":
        if loc and loc[-1] == "source":
            return (
                "missing source: every claim and every input needs 'source' "
                "(a key of the file's sources map or a mapping)"
            )
        return "missing (required)"
    if message.startswith("Extra inputs are not permitted"):
        return "unknown field (see docs/claims.md for the fields of a claim)"
    return message


def _validate(raw: Any, path: Path, sources: dict[str, Any]) -> LoadedClaim:
    if not isinstance(raw, dict):
        raise ClaimError(f"{path}: each claim must be a mapping, got {raw!r}")
    if raw.get("kind", "claim") != "claim":
        raise _err(path, raw, ("kind",), f"expected kind 'claim', got {raw.get('kind')!r}")
    body = {k: v for k, v in raw.items() if k != "kind"}
    if isinstance(raw, LineDict):
        lined = LineDict(body)
        lined.line, lined.key_lines = raw.line, raw.key_lines
        body = lined
    try:
        resolved = resolve_sources(body, sources, path)
    except CatalogError as exc:
        raise ClaimError(str(exc)) from None
    _precheck(raw, path)
    from pydantic import ValidationError  # only a claim file validates: the cache needs none

    try:
        claim = Claim.model_validate(resolved)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise _err(path, raw, loc, _friendly(err["msg"], loc) + more) from None
    return LoadedClaim(claim, path, raw)


def load_claim_file(path: Path | str) -> list[LoadedClaim]:
    """Load and validate the claims of a YAML file (one claim, or ``records:`` of claims).

    Raises :class:`ClaimError` naming the file, line and field of the first problem.
    """
    path = Path(path)
    try:
        data = read_yaml(path)
    except CatalogError as exc:
        raise ClaimError(str(exc)) from None
    if not isinstance(data, dict):
        raise ClaimError(
            f"{path}: expected a claim (a mapping with id, statement, inputs, claimed...)"
        )
    try:
        sources = {**shared_sources(), **file_sources_of(data, path)}
    except CatalogError as exc:
        raise ClaimError(str(exc)) from None
    if "records" in data:
        if data.get("kind", "claim") != "claim":
            raise ClaimError(f"{path}: expected kind 'claim', got {data.get('kind')!r}")
        records = data["records"]
        if not isinstance(records, list):
            raise ClaimError(f"{path}: 'records' must be a list of claims")
        if not records:
            raise ClaimError(f"{path}: 'records' is empty; give at least one claim")
        loaded = [_validate(raw, path, sources) for raw in records]
    else:
        body = {k: v for k, v in data.items() if k != "sources"}
        if isinstance(data, LineDict):
            lined = LineDict(body)
            lined.line, lined.key_lines = data.line, data.key_lines
            body = lined
        loaded = [_validate(body, path, sources)]
    ids = [item.claim.id for item in loaded]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ClaimError(f"{path}: duplicate claim id(s) {', '.join(duplicates)}")
    return loaded


def builtin_path() -> Path:
    """The built-in claims file in the installed package."""
    return Path(str(resources.files("gigawatt.catalog") / "data" / "claims.yaml"))


@cache
def _builtin_file_claims() -> tuple[LoadedClaim, ...]:
    """The built-in claims file, parsed and validated once per process (it is package data)."""
    return tuple(load_claim_file(builtin_path()))


def _builtin_source(claim: Claim) -> LoadedClaim | None:
    """The built-in file's copy of ``claim`` (with its lines), if the file holds it unchanged."""
    for item in _builtin_file_claims():
        if item.claim.id == claim.id and item.claim == claim:
            return item
    return None


def builtin_claims(catalog: Any = None) -> dict[str, LoadedClaim]:
    """Built-in claims by id (with line numbers), plus claims from user catalogue overlays.

    A catalogue that loaded the built-in claims file already holds them validated: they are
    taken from it, and the file is parsed again (PyYAML, with lines) only when an error needs
    a line (:meth:`LoadedClaim.where`), ~60 ms that an audit otherwise pays at start.
    """
    files = getattr(catalog, "files", None)
    if isinstance(files, list) and builtin_path() in files:
        return {
            record.id: LoadedClaim(record)
            for record in catalog.list("claim")
            if isinstance(record, Claim)
        }
    found = {item.claim.id: item for item in _builtin_file_claims()}
    if catalog is not None:
        for record in catalog.list("claim"):
            if isinstance(record, Claim) and (
                record.id not in found or record != found[record.id].claim
            ):
                found[record.id] = LoadedClaim(record)
    return found


def find_claim(ident: str, catalog: Any = None) -> LoadedClaim:
    """The built-in (or catalogue) claim ``ident``, with suggestions when unknown."""
    from difflib import get_close_matches

    claims = builtin_claims(catalog)
    if ident in claims:
        return claims[ident]
    close = get_close_matches(ident, list(claims), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownIdError(f"unknown claim {ident!r}{hint} (list them with: gigawatt claims)")


def check_claim(loaded: LoadedClaim, resolver: Resolver = default_resolver) -> Chain:
    """Check a claim against its estimators and return the composed chain.

    Checks: every estimator exists, links connect real nodes, every input, override and sweep
    node is used by some formula (with close names suggested), the claimed output is a node of
    the chain in the dimension its value is written in.
    """
    claim = loaded.claim
    for index, name in enumerate(claim.estimator):
        try:
            resolver(name)
        except UserInputError as exc:
            raise loaded.error(
                ("estimator", index) if len(claim.estimator) > 1 else ("estimator",), str(exc)
            ) from None
    try:
        chain = build_chain(claim.estimator, claim.links, resolver)
    except UserInputError as exc:
        raise loaded.error(("links",), str(exc)) from None
    for name in claim.inputs:
        _check_node(loaded, chain, name, ("inputs", name))
    output = claim.claimed.output
    _check_node(loaded, chain, output, ("claimed", "output"))
    for index, part in enumerate(claim.out_of_scope):
        for name in part.set:
            _check_node(loaded, chain, name, ("out_of_scope", index, "set", name))
    for index, axis in enumerate(claim.sweep):
        if axis.node is not None:
            _check_node(loaded, chain, axis.node, ("sweep", index, "node"))
        elif axis.choice is not None:
            est_name = axis.choice.split(".", 1)[0]
            if est_name not in chain.names:
                raise loaded.error(
                    ("sweep", index, "choice"),
                    f"{est_name!r} is not in the chain {list(chain.names)}",
                )
    for est_name in claim.choices:
        if est_name not in chain.names:
            raise loaded.error(
                ("choices", est_name), f"{est_name!r} is not in the chain {list(chain.names)}"
            )
    return chain


def _check_node(loaded: LoadedClaim, chain: Chain, name: str, loc: tuple[Any, ...]) -> None:
    try:
        chain.graph.check_name(name)
    except UserInputError as exc:
        raise loaded.error(loc, str(exc)) from None


def claimant_text(claim: Claim) -> Mapping[str, str]:
    """The claimant's inputs as distribution strings, by node name."""
    return {name: item.text for name, item in claim.inputs.items()}
