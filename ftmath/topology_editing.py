"""Editing topology documents: tiers in series, the components table, what-ifs, share links.

The Topology page's guided builder works on "tiers in series" (each tier ``n`` replicas of
one component of which ``k`` must work); these helpers turn documents into tiers and tables
and back, try other replica counts, and carry a document in a URL.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ftmath.errors import InputError
from ftmath.reliability import HOURS_PER_YEAR
from ftmath.topology import MAX_COPIES, evaluate, load_document

__all__ = [
    "COMPONENT_TABLE_COLUMNS",
    "Tier",
    "components_from_table",
    "components_table",
    "document_from_tiers",
    "document_from_token",
    "rename_components",
    "replica_what_if",
    "share_token",
    "tiers_from_document",
]


# --- tiers: the guided builder's shape ---------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """One tier of a series-of-tiers system: ``n`` replicas of a component, ``k`` must work."""

    component: str
    n: int = 1
    k: int = 1


def tiers_from_document(document: Mapping[str, Any]) -> list[Tier] | None:
    """Read a document as tiers in series, or ``None`` if it has another shape.

    Parameters
    ----------
    document : dict
        A topology document.

    Returns
    -------
    list of Tier or None
        One tier per element of the top-level series; ``None`` when the system is not a series
        of tiers (one component, or ``n`` copies of one component, per tier, each used once).

    Examples
    --------
    >>> tiers_from_document({"components": {"a": {"availability": 0.9}},
    ...                      "system": {"series": [{"k_of_n": {"k": 2, "n": 3, "of": "a"}}]}})
    [Tier(component='a', n=3, k=2)]
    """
    system = document.get("system")
    items = system["series"] if isinstance(system, Mapping) and "series" in system else [system]
    if not isinstance(items, list):
        items = [system]
    tiers: list[Tier] = []
    for item in items:
        tier = _as_tier(item)
        if tier is None:
            return None
        tiers.append(tier)
    names = [t.component for t in tiers]
    return tiers if len(set(names)) == len(names) else None


def _as_tier(item: Any) -> Tier | None:
    if isinstance(item, str):
        return Tier(item)
    if not isinstance(item, Mapping) or len(item) != 1:
        return None
    ((kind, body),) = item.items()
    if not isinstance(body, Mapping) or not isinstance(body.get("of"), str):
        return None
    n = body.get("n")
    if not isinstance(n, int) or isinstance(n, bool):
        return None
    if kind == "parallel":
        return Tier(body["of"], n=n, k=1)
    if kind == "series":
        return Tier(body["of"], n=n, k=n)
    if kind == "k_of_n" and isinstance(body.get("k"), int):
        return Tier(body["of"], n=n, k=body["k"])
    return None


def document_from_tiers(
    name: str,
    components: Mapping[str, Mapping[str, Any]],
    tiers: Iterable[Tier],
    *,
    mission_hours: float | None = None,
) -> dict[str, Any]:
    """Build a topology document from tiers in series.

    Parameters
    ----------
    name : str
        The document's name.
    components : dict
        The ``components`` section (name to figures).
    tiers : iterable of Tier
        The tiers, in series, in order.
    mission_hours : float, optional
        Document-level mission time.

    Returns
    -------
    dict
        A document in the format `evaluate` reads.

    Examples
    --------
    >>> doc = document_from_tiers("x", {"a": {"availability": 0.9}}, [Tier("a", n=2)])
    >>> doc["system"]
    {'series': [{'parallel': {'n': 2, 'of': 'a'}}]}
    """
    blocks: list[Any] = []
    for tier in tiers:
        if tier.n == 1:
            blocks.append(tier.component)
        elif tier.k == 1:
            blocks.append({"parallel": {"n": tier.n, "of": tier.component}})
        else:
            blocks.append({"k_of_n": {"k": tier.k, "n": tier.n, "of": tier.component}})
    document: dict[str, Any] = {
        "name": name,
        "components": {key: dict(value) for key, value in components.items()},
        "system": {"series": blocks},
    }
    if mission_hours is not None:
        document["mission_hours"] = mission_hours
    return document


def replica_what_if(
    document: Mapping[str, Any], *, max_extra: int = 4, hours_per_year: float = HOURS_PER_YEAR
) -> pd.DataFrame:
    """Nines of the system as each tier's replica count changes, the others held.

    Parameters
    ----------
    document : dict
        A series-of-tiers document (see `tiers_from_document`).
    max_extra : int, optional
        How many replicas beyond (and below) the current count to try (default 4); counts go
        from ``max(k, n - max_extra)`` to ``n + max_extra``.
    hours_per_year : float, optional
        Year length for the downtime column.

    Returns
    -------
    pandas.DataFrame
        Columns ``tier``, ``replicas``, ``k``, ``current`` (bool), ``unreliability``, ``nines``
        and ``downtime_hours_per_year``.

    Raises
    ------
    InputError
        When the document is not a series of tiers.

    Examples
    --------
    >>> doc = document_from_tiers("x", {"a": {"availability": 0.9}}, [Tier("a")])
    >>> replica_what_if(doc, max_extra=2)[["replicas", "nines"]].to_numpy().tolist()
    [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]
    """
    tiers = tiers_from_document(document)
    if tiers is None:
        raise InputError(
            "the what-if needs a system of tiers in series (each tier n copies of one component)"
        )
    rows = []
    for index, tier in enumerate(tiers):
        for n in range(max(tier.k, tier.n - max_extra), min(tier.n + max_extra, MAX_COPIES) + 1):
            trial = list(tiers)
            trial[index] = Tier(tier.component, n=n, k=tier.k)
            doc = document_from_tiers(
                document.get("name", ""),
                document["components"],
                trial,
                mission_hours=document.get("mission_hours"),
            )
            result = evaluate(doc, hours_per_year=hours_per_year, importance=False)
            rows.append(
                {
                    "tier": tier.component,
                    "replicas": n,
                    "k": tier.k,
                    "current": n == tier.n,
                    "unreliability": result.unreliability,
                    "nines": result.nines,
                    "downtime_hours_per_year": result.downtime_hours_per_year,
                }
            )
    return pd.DataFrame(rows)


# --- sharing -------------------------------------------------------------------------------------


def share_token(document: Mapping[str, Any]) -> str:
    """A compact, URL-safe token that carries a topology document (zlib + base64url).

    Parameters
    ----------
    document : dict
        A topology document.

    Returns
    -------
    str
        Text safe to put in a URL query parameter; `document_from_token` reverses it.

    Examples
    --------
    >>> doc = {"components": {"a": {"availability": 0.9}}, "system": "a"}
    >>> document_from_token(share_token(doc)) == doc
    True
    """
    raw = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def document_from_token(token: str) -> dict[str, Any]:
    """The topology document a `share_token` carries.

    Parameters
    ----------
    token : str
        The token from a shared URL.

    Returns
    -------
    dict
        The document (not yet validated: pass it to `parse_topology` or `evaluate`).

    Raises
    ------
    InputError
        When the token is damaged (cut short when copied, for example).

    Examples
    --------
    >>> document_from_token("not-a-token")
    Traceback (most recent call last):
    ...
    ftmath.errors.InputError: the shared link does not carry a readable topology ...
    """
    try:
        padded = token + "=" * (-len(token) % 4)
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.urlsafe_b64decode(padded.encode()), 5_000_001)
        if len(raw) > 5_000_000 or inflate.unconsumed_tail:  # stop before inflating a bomb
            raise ValueError("too large")
        return load_document(raw)
    except (ValueError, zlib.error, InputError):
        raise InputError(
            "the shared link does not carry a readable topology (was it cut short when copied?)"
        ) from None


# --- the components as a table (for editing) ---------------------------------------------------

COMPONENT_TABLE_COLUMNS = [
    "component",
    "availability",
    "unavailability",
    "mtbf_hours",
    "mttr_hours",
    "note",
]


def components_table(document: Mapping[str, Any], *, as_text: bool = False) -> pd.DataFrame:
    """The ``components`` section of a document as a table, one row per component.

    Parameters
    ----------
    document : dict
        A topology document.
    as_text : bool, optional
        Give the figures as text (``"1e-09"``, ``"0.9995"``, every digit kept; empty where
        not given), for an editor where people type scientific notation.
        `components_from_table` reads both.

    Returns
    -------
    pandas.DataFrame
        Columns ``component``, ``availability``, ``unavailability``, ``mtbf_hours``,
        ``mttr_hours`` and ``note``; a figure the component does not give is NaN (or empty
        text). ``reliability`` is shown as ``availability``.

    Examples
    --------
    >>> table = components_table({"components": {"db": {"mtbf_hours": 100, "mttr_hours": 5}}})
    >>> table[["component", "mtbf_hours", "mttr_hours"]].to_numpy().tolist()
    [['db', 100.0, 5.0]]
    """
    rows = []
    for name, spec in dict(document.get("components") or {}).items():
        spec = spec if isinstance(spec, Mapping) else {}
        value = spec.get("availability", spec.get("reliability"))
        rows.append(
            {
                "component": name,
                "availability": value,
                "unavailability": spec.get("unavailability"),
                "mtbf_hours": spec.get("mtbf_hours"),
                "mttr_hours": spec.get("mttr_hours"),
                "note": spec.get("note", "") or "",
            }
        )
    frame = pd.DataFrame(rows, columns=COMPONENT_TABLE_COLUMNS)
    for column in COMPONENT_TABLE_COLUMNS[1:5]:
        numbers = pd.to_numeric(frame[column], errors="coerce").astype(float)
        frame[column] = (
            numbers.map(lambda x: "" if pd.isna(x) else repr(float(x))).astype(object)
            if as_text
            else numbers
        )
    frame["note"] = frame["note"].astype(object)
    return frame


_COLUMN_LABELS = {
    "availability": "Availability",
    "unavailability": "Unavailability",
    "mtbf_hours": "MTBF (h)",
    "mttr_hours": "MTTR (h)",
}


def _figure(value: Any, column: str, position: int) -> float | None:
    """A typed figure: a number, text such as ``1e-9`` or ``99.95 %``, or blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", ".") if value.count(",") == 1 else value.strip()
        if not text:
            return None
        percent = column in ("availability", "unavailability") and text.endswith("%")
        try:
            number = float(text.rstrip("%").strip()) if percent else float(text)
        except ValueError:
            raise InputError(
                f"row {position}, {_COLUMN_LABELS[column]}: {value!r} is not a number "
                "(write 0.9995, 99.95 % or 5e-4)"
            ) from None
        return number / 100.0 if percent else number
    return float(value)


def components_from_table(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The ``components`` section of a document from an edited table.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows as `components_table` makes them (numbers, or text such as ``1e-9`` or ``99.95 %``
        for the probabilities). Rows with no name and no figures are skipped.

    Returns
    -------
    dict
        Component name to figures, ready for a document.

    Raises
    ------
    InputError
        For a row with figures but no name, a name used twice, or text that is not a number
        (the message names the row and the column).

    Examples
    --------
    >>> table = pd.DataFrame({"component": ["db"], "availability": [0.999]})
    >>> components_from_table(table)
    {'db': {'availability': 0.999}}
    >>> components_from_table(pd.DataFrame({"component": ["x"], "unavailability": ["1e-18"]}))
    {'x': {'unavailability': 1e-18}}
    """
    components: dict[str, dict[str, Any]] = {}
    for position, (_, row) in enumerate(table.iterrows(), start=1):
        raw_name = row.get("component")
        name = "" if raw_name is None or pd.isna(raw_name) else str(raw_name).strip()
        figures: dict[str, Any] = {}
        for column in COMPONENT_TABLE_COLUMNS[1:5]:
            number = _figure(row.get(column), column, position)
            if number is not None:
                figures[column] = number
        note = row.get("note")
        if isinstance(note, str) and note.strip():
            figures["note"] = note.strip()
        if not name:
            if figures:
                raise InputError(f"row {position} of the components table has figures but no name")
            continue
        if name in components:
            raise InputError(f"row {position}: the component name `{name}` is used twice")
        components[name] = figures
    return components


def rename_components(document: Mapping[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    """The document with components renamed everywhere the system names them.

    Parameters
    ----------
    document : dict
        A topology document.
    renames : dict of str to str
        Old name to new name.

    Returns
    -------
    dict
        A new document: the ``system`` blocks (and the ``components`` keys, where present)
        use the new names; everything else is unchanged.

    Examples
    --------
    >>> doc = {"components": {"a": {"availability": 0.9}},
    ...        "system": {"series": ["a", {"parallel": {"n": 2, "of": "a"}}]}}
    >>> rename_components(doc, {"a": "db"})["system"]
    {'series': ['db', {'parallel': {'n': 2, 'of': 'db'}}]}
    """

    def block(raw: Any) -> Any:
        if isinstance(raw, str):
            return renames.get(raw, raw)
        if isinstance(raw, Mapping):
            return {
                key: (
                    renames.get(value, value)
                    if key == "of" and isinstance(value, str)
                    else block(value)
                )
                for key, value in raw.items()
            }
        if isinstance(raw, list):
            return [block(item) for item in raw]
        return raw

    renamed = dict(document)
    if "system" in renamed:
        renamed["system"] = block(renamed["system"])
    if isinstance(renamed.get("components"), Mapping):
        renamed["components"] = {
            renames.get(name, name): spec for name, spec in renamed["components"].items()
        }
    return renamed
