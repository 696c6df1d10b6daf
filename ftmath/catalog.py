"""Component figures from public data: cloud SLA commitments and measured drive failure rates.

Two readers turn the example data sets into component figures a topology can use, and two
builders make the Topology page's example documents from them.

References
----------
.. [1] NIST/SEMATECH e-Handbook of Statistical Methods, sec. 8.4.5.1, "Confidence bounds for
   the exponential model" (chi-square bounds on the MTBF from failures in a fixed exposure).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ftmath.errors import InputError

__all__ = [
    "example_multi_region",
    "example_storage_array",
    "example_web_service",
    "read_drive_survival",
    "read_sla_commitments",
]

_SLA_COLUMNS = ["provider", "service", "deployment", "monthly_uptime_commitment_pct"]
_DRIVE_COLUMNS = ["model", "capacity_tb", "drive_days", "failed"]


def _read_csv(source: str | Path | bytes, what: str) -> pd.DataFrame:
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"the {what} file could not be read as CSV: {e}") from None


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"the {what} file has no column {', '.join(f'`{c}`' for c in missing)}")


def read_sla_commitments(source: str | Path | bytes) -> pd.DataFrame:
    r"""Read cloud SLA commitments (``cloud-sla-commitments.csv``) as component figures.

    Parameters
    ----------
    source : path or bytes
        The CSV: ``provider``, ``service``, ``deployment``, ``monthly_uptime_commitment_pct``
        and optionally ``source_url``, ``source_note``.

    Returns
    -------
    pandas.DataFrame
        One row per commitment with ``label`` (provider, service, deployment),
        ``availability`` (the commitment as a fraction) and ``source_url``. These are the
        thresholds below which the provider pays service credits, not measured availability.

    Examples
    --------
    >>> table = read_sla_commitments(b"provider,service,deployment,monthly_uptime_commitment_pct\n"
    ...                              b"AWS,S3,region,99.9\n")
    >>> table.loc[0, "label"], float(table.loc[0, "availability"])
    ('AWS S3 (region)', 0.999)
    """
    frame = _read_csv(source, "SLA")
    _require(frame, _SLA_COLUMNS, "SLA")
    pct = pd.to_numeric(frame["monthly_uptime_commitment_pct"], errors="coerce")
    bad = pct.isna() | (pct <= 0) | (pct > 100)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"`monthly_uptime_commitment_pct` in row {row + 2} must be a percentage in (0, 100], "
            f"got {frame['monthly_uptime_commitment_pct'].iloc[row]!r}"
        )
    return pd.DataFrame(
        {
            "label": frame["provider"].astype(str)
            + " "
            + frame["service"].astype(str)
            + " ("
            + frame["deployment"].astype(str)
            + ")",
            "provider": frame["provider"].astype(str),
            "availability": (pct / 100.0).round(12),
            "source_url": frame.get("source_url", pd.Series([""] * len(frame))).fillna(""),
        }
    )


def read_drive_survival(source: str | Path | bytes, *, confidence: float = 0.90) -> pd.DataFrame:
    r"""Read per-model drive survival data (Backblaze) as failure rates and MTBF with bounds.

    Parameters
    ----------
    source : path or bytes
        The CSV with ``model``, ``capacity_tb``, ``drive_days`` and ``failed``.
    confidence : float, optional
        Two-sided confidence level of the MTBF bounds (default 0.90).

    Returns
    -------
    pandas.DataFrame
        One row per model: ``afr`` (annualised failure rate, failures per drive-year of 365
        days), ``mtbf_hours`` (drive-hours per failure), ``mtbf_low_hours`` and
        ``mtbf_high_hours`` (chi-square bounds [1]_), and ``note``. ``mtbf_hours`` is NaN for a
        model with no failures (the data bound it only from below), said in ``note``.

    Notes
    -----
    With ``f`` failures in ``T`` drive-hours, ``MTBF = T / f``; the bounds are
    ``2T / chi2(1 - a/2; 2f + 2)`` and ``2T / chi2(a/2; 2f)`` with ``a = 1 - confidence``.

    Examples
    --------
    >>> csv = b"model,capacity_tb,drive_days,failed\nx,4,365000,10\n"
    >>> row = read_drive_survival(csv).iloc[0]
    >>> round(float(row["afr"]), 4), round(row["mtbf_hours"])
    (0.01, 876000)
    """
    frame = _read_csv(source, "drive survival")
    _require(frame, _DRIVE_COLUMNS, "drive survival")
    days = pd.to_numeric(frame["drive_days"], errors="coerce")
    failed = pd.to_numeric(frame["failed"], errors="coerce")
    bad = days.isna() | (days <= 0) | failed.isna() | (failed < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"row {row + 2}: `drive_days` must be > 0 and `failed` >= 0, got "
            f"{frame['drive_days'].iloc[row]!r} and {frame['failed'].iloc[row]!r}"
        )
    hours = days.to_numpy(float) * 24.0
    f = failed.to_numpy(float)
    alpha = 1.0 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        mtbf = np.where(f > 0, hours / f, np.nan)
        low = 2.0 * hours / stats.chi2.ppf(1.0 - alpha / 2.0, 2.0 * f + 2.0)
        high = np.where(f > 0, 2.0 * hours / stats.chi2.ppf(alpha / 2.0, 2.0 * f), np.inf)
    note = np.where(
        f > 0,
        "",
        "no failures observed: the data give only a lower bound on the MTBF",
    )
    return pd.DataFrame(
        {
            "model": frame["model"].astype(str),
            "capacity_tb": pd.to_numeric(frame["capacity_tb"], errors="coerce"),
            "drive_days": days,
            "failed": failed.astype(int),
            "afr": f / (days.to_numpy(float) / 365.0),
            "mtbf_hours": mtbf,
            "mtbf_low_hours": low,
            "mtbf_high_hours": high,
            "note": note,
        }
    )


def _pick(sla: pd.DataFrame, provider: str, service: str, deployment: str) -> dict[str, Any]:
    match = sla[
        (sla["provider"] == provider)
        & sla["label"].str.contains(service, regex=False)
        & sla["label"].str.contains(deployment, regex=False)
    ]
    if match.empty:
        raise InputError(f"the SLA table has no {provider} {service} ({deployment}) row")
    row = match.iloc[0]
    return {
        "availability": float(row["availability"]),
        "note": f"SLA commitment, not a measurement: {row['label']}",
    }


def example_web_service(sla: pd.DataFrame) -> dict[str, Any]:
    r"""A three-tier web service built from cloud SLA commitments (see `read_sla_commitments`).

    Parameters
    ----------
    sla : pandas.DataFrame
        The table `read_sla_commitments` returns.

    Returns
    -------
    dict
        A topology document: a load balancer, three single web VMs of which two must work, and
        object storage, in series.

    Examples
    --------
    >>> doc = example_web_service(read_sla_commitments(
    ...     b"provider,service,deployment,monthly_uptime_commitment_pct\n"
    ...     b"GCP,Compute Engine (Premium tier),load balancing,99.99\n"
    ...     b"GCP,Compute Engine (Premium tier),single instance (non memory-optimized),99.9\n"
    ...     b"AWS,S3 Standard,region,99.9\n"))
    >>> doc["system"]["series"][1]
    {'k_of_n': {'k': 2, 'n': 3, 'of': 'web VM'}}
    """
    return {
        "name": "Three-tier web service (cloud SLA commitments)",
        "components": {
            "load balancer": _pick(sla, "GCP", "Compute Engine", "load balancing"),
            "web VM": _pick(sla, "GCP", "Compute Engine", "single instance"),
            "object storage": _pick(sla, "AWS", "S3 Standard", "region"),
        },
        "system": {
            "series": [
                "load balancer",
                {"k_of_n": {"k": 2, "n": 3, "of": "web VM"}},
                "object storage",
            ]
        },
    }


def example_storage_array(
    drives: pd.DataFrame, *, model: str = "wdc wuh721816ale6l4", rebuild_hours: float = 24.0
) -> dict[str, Any]:
    r"""A RAID-6 style array (8 of 10 drives must work) from measured drive failure rates.

    Parameters
    ----------
    drives : pandas.DataFrame
        The table `read_drive_survival` returns.
    model : str, optional
        Drive model to use.
    rebuild_hours : float, optional
        Time to replace a drive and rebuild, used as its MTTR.

    Returns
    -------
    dict
        A topology document: one array of 10 drives of which 8 must work, each drive up
        ``MTBF / (MTBF + MTTR)`` of the time.

    Examples
    --------
    >>> csv = b"model,capacity_tb,drive_days,failed\nm,16,3650000,100\n"
    >>> doc = example_storage_array(read_drive_survival(csv), model="m")
    >>> doc["components"]["drive"]["mtbf_hours"]
    876000.0
    """
    match = drives[drives["model"] == model]
    if match.empty or not np.isfinite(match.iloc[0]["mtbf_hours"]):
        raise InputError(f"the drive table has no measured MTBF for model `{model}`")
    row = match.iloc[0]
    note = (
        f"Backblaze Drive Stats, {row['model']} ({row['capacity_tb']:g} TB): "
        f"{row['failed']} failures in {row['drive_days']:,.0f} drive-days; "
        f"MTTR = replace and rebuild"
    )
    return {
        "name": f"RAID-6 array of {row['model']} drives (Backblaze failure rates)",
        "components": {
            "drive": {
                "mtbf_hours": round(float(row["mtbf_hours"]), 1),
                "mttr_hours": rebuild_hours,
                "note": note,
            },
        },
        "system": {"series": [{"k_of_n": {"k": 8, "n": 10, "of": "drive"}}]},
    }


def example_multi_region(sla: pd.DataFrame) -> dict[str, Any]:
    r"""Two regions in parallel that share one configuration service (counted once).

    Parameters
    ----------
    sla : pandas.DataFrame
        The table `read_sla_commitments` returns.

    Returns
    -------
    dict
        A topology document: each region is a load balancer, two of three VMs and the shared
        configuration service in series; the regions are in parallel. Because the
        configuration service is one component, the two regions are not independent.

    Examples
    --------
    >>> from ftmath import evaluate
    >>> sla = read_sla_commitments(
    ...     b"provider,service,deployment,monthly_uptime_commitment_pct\n"
    ...     b"GCP,Compute Engine (Premium tier),load balancing,99.99\n"
    ...     b"GCP,Compute Engine (Premium tier),single instance (non memory-optimized),99.9\n"
    ...     b"AWS,EC2 (Compute SLA),region-level: instances across >=2 AZs,99.99\n")
    >>> evaluate(example_multi_region(sla)).unreliability > 1e-4  # the shared service dominates
    True
    """
    lb = _pick(sla, "GCP", "Compute Engine", "load balancing")
    vm = _pick(sla, "GCP", "Compute Engine", "single instance")
    config = _pick(sla, "AWS", "EC2", "region-level")
    config["note"] = "one shared service used by both regions: " + config["note"]

    def region(tag: str) -> dict[str, Any]:
        return {
            "series": [
                f"load balancer {tag}",
                {"k_of_n": {"k": 2, "n": 3, "of": f"VM {tag}"}},
                "config service",
            ]
        }

    return {
        "name": "Two regions sharing a configuration service",
        "components": {
            "load balancer A": lb,
            "VM A": vm,
            "load balancer B": dict(lb),
            "VM B": dict(vm),
            "config service": config,
        },
        "system": {"parallel": [region("A"), region("B")]},
    }
