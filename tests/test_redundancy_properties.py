"""Properties of redundant groups (hypothesis).

- The Markov chain agrees with the closed forms wherever both exist: no repair (active k-of-n,
  cold and warm standby), repair so fast it is instantaneous, a single unit.
- The floating-point solution agrees with the same chain solved in exact rational
  arithmetic, over rates that differ by up to twelve orders of magnitude.
- Monotonicity: more crews, a better fail-over, repair at all never make a group worse; R(t)
  falls with t; R(t) <= A(t).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import ftmath

hours = st.floats(min_value=1.0, max_value=1e6)
short_hours = st.floats(min_value=1e-3, max_value=1e3)
probability = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def sizes(draw: st.DrawFn, max_n: int = 6) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=max_n))
    k = draw(st.integers(min_value=1, max_value=n))
    return k, n


@st.composite
def groups(draw: st.DrawFn, *, repair: bool) -> dict:
    k, n = draw(sizes(max_n=5))
    arrangement = draw(st.sampled_from(["active", "standby"]))
    options: dict = {"k": k, "n": n, "mtbf_hours": draw(hours), "arrangement": arrangement}
    if repair:
        options["mttr_hours"] = draw(short_hours)
        options["crews"] = draw(st.integers(min_value=1, max_value=n))
        options["failover_hours"] = draw(short_hours)
    options["switch_reliability"] = draw(st.one_of(st.just(1.0), probability))
    if arrangement == "standby":
        options["standby_mtbf_hours"] = draw(st.one_of(st.just(math.inf), hours))
    else:
        options["load_exponent"] = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    return options


def _group(options: dict) -> ftmath.RedundancyResult:
    options = dict(options)
    return ftmath.redundant_group(
        options.pop("k"), options.pop("n"), options.pop("mtbf_hours"), **options
    )


# --- closed forms --------------------------------------------------------------------------------


@given(sizes(max_n=30), hours)
def test_no_repair_active_is_the_harmonic_closed_form(size: tuple[int, int], mtbf: float) -> None:
    k, n = size
    chain = ftmath.redundant_group(k, n, mtbf)
    assert_allclose(chain.mttf_hours, ftmath.mttf_active(n, mtbf, k=k), rtol=1e-12)


@given(st.integers(min_value=1, max_value=30), hours, probability)
def test_no_repair_cold_standby_is_the_geometric_closed_form(n: int, mtbf: float, p: float) -> None:
    chain = ftmath.redundant_group(1, n, mtbf, arrangement="standby", switch_reliability=p)
    assert_allclose(
        chain.mttf_hours, ftmath.mttf_standby(n, mtbf, switch_reliability=p), rtol=1e-12
    )


@given(sizes(max_n=12), hours, hours)
def test_no_repair_warm_standby(size: tuple[int, int], mtbf: float, standby: float) -> None:
    # Perfect switch: each stage lasts 1 / (k lambda + j lambda_s), j spares left (R&H ch. 8).
    k, n = size
    chain = ftmath.warm_standby(n, mtbf, standby, k=k)
    expected = math.fsum(1 / (k / mtbf + j / standby) for j in range(n - k + 1))
    assert_allclose(chain.mttf_hours, expected, rtol=1e-12)


@given(sizes(max_n=8), hours)
def test_hot_standby_with_perfect_switch_is_active(size: tuple[int, int], mtbf: float) -> None:
    k, n = size
    hot = ftmath.warm_standby(n, mtbf, mtbf, k=k, mttr_hours=mtbf / 50, crews=2)
    active = ftmath.repairable(k, n, mtbf, mtbf / 50, crews=2)
    assert_allclose(hot.mttf_hours, active.mttf_hours, rtol=1e-10)
    assert_allclose(hot.unavailability, active.unavailability, rtol=1e-10)


@given(groups(repair=True))
def test_single_unit_is_the_unit(options: dict) -> None:
    options.update(k=1, n=1)
    options.pop("standby_mtbf_hours", None)
    options["arrangement"] = "active"
    group = _group(options)
    mtbf, mttr = options["mtbf_hours"], options["mttr_hours"]
    assert_allclose(group.mttf_hours, mtbf, rtol=1e-12)
    assert_allclose(group.availability, mtbf / (mtbf + mttr), rtol=1e-12)
    assert_allclose(group.unavailability, mttr / (mtbf + mttr), rtol=1e-12)
    t = np.array([0.0, mtbf / 3, mtbf, 4 * mtbf])
    assert_allclose(group.reliability(t), np.exp(-t / mtbf), rtol=1e-10)


@given(groups(repair=True), st.floats(min_value=0.0, max_value=0.999))
def test_instant_repair_leaves_only_failed_failovers(options: dict, p: float) -> None:
    # With repair a billion times faster than failures, the group never loses a unit for long:
    # it fails only when a fail-over fails, at rate a lambda (1 - p) from all-up, with a the
    # units in service (n active, whatever the load exponent, as all-up is the normal load;
    # k in standby).
    k, n = options["k"], options["n"]
    assume(n > k)
    options["mtbf_hours"] = max(options["mtbf_hours"], 1e4)  # repair stays above 1e-6 h
    if math.isfinite(options.get("standby_mtbf_hours", math.inf)):
        options["standby_mtbf_hours"] = max(options["standby_mtbf_hours"], 1e4)
    fastest = min(options["mtbf_hours"], options.get("standby_mtbf_hours", math.inf))
    options.update(switch_reliability=p, mttr_hours=fastest * 1e-10)
    group = _group(options)
    in_service = n if options["arrangement"] == "active" else k
    expected = options["mtbf_hours"] / (in_service * (1 - p))
    assert_allclose(group.mttf_hours, expected, rtol=1e-6)


@given(groups(repair=True))
def test_faster_repair_with_perfect_failover_always_helps(options: dict) -> None:
    # Towards infinitely fast repair the group with a perfect fail-over never goes down.
    assume(options["n"] > options["k"])
    options.update(switch_reliability=1.0)
    fastest = min(options["mtbf_hours"], options.get("standby_mtbf_hours", math.inf))
    results = [_group({**options, "mttr_hours": fastest * 10.0**-e}) for e in range(0, 8, 2)]
    mttf = [r.mttf_hours for r in results]
    unavailability = [r.unavailability for r in results]
    assert all(b > a for a, b in zip(mttf, mttf[1:], strict=False))
    assert all(b < a for a, b in zip(unavailability, unavailability[1:], strict=False))
    assert mttf[-1] > 1e4 * options["mtbf_hours"] / options["n"]


# --- exact arithmetic ---------------------------------------------------------------------------


@given(groups(repair=True))
def test_agrees_with_exact_rational_solution(options: dict) -> None:
    group = _group(options)
    mttf, unavailability = _exact(options)
    assert_allclose(group.mttf_hours, float(mttf), rtol=1e-9)
    assert_allclose(group.unavailability, float(unavailability), rtol=1e-9)
    assert_allclose(group.availability, float(1 - unavailability), rtol=1e-12)


@given(groups(repair=False))
def test_no_repair_agrees_with_exact_rational_solution(options: dict) -> None:
    group = _group(options)
    mttf, _ = _exact(options)
    assert_allclose(group.mttf_hours, float(mttf), rtol=1e-10)
    explained = group.explain()["mttf"]
    assert_allclose(explained.recompute(), float(mttf), rtol=1e-9)


# --- monotonicity -------------------------------------------------------------------------------


@given(groups(repair=True))
def test_more_crews_never_hurt_with_a_perfect_failover(options: dict) -> None:
    # With an imperfect fail-over they can: more units back in service means more fail-overs,
    # each of which may take the group down (see the imperfect-coverage unit test).
    options["switch_reliability"] = 1.0
    fewer = _group({**options, "crews": 1})
    more = _group({**options, "crews": options["n"]})
    assert more.unavailability <= fewer.unavailability * (1 + 1e-9)
    assert more.mttf_hours >= fewer.mttf_hours * (1 - 1e-9)


@given(groups(repair=True), probability, probability)
def test_better_failover_never_hurts(options: dict, p1: float, p2: float) -> None:
    low, high = sorted((p1, p2))
    worse = _group({**options, "switch_reliability": low})
    better = _group({**options, "switch_reliability": high})
    assert better.mttf_hours >= worse.mttf_hours * (1 - 1e-9)


@given(groups(repair=True))
def test_repair_never_shortens_life_with_a_perfect_failover(options: dict) -> None:
    options["switch_reliability"] = 1.0
    repaired = _group(options)
    bare = {k: v for k, v in options.items() if k not in ("mttr_hours", "crews", "failover_hours")}
    assert repaired.mttf_hours >= _group(bare).mttf_hours * (1 - 1e-9)


@given(groups(repair=True), st.floats(min_value=1e-3, max_value=3.0))
def test_reliability_curves_are_consistent(options: dict, horizon: float) -> None:
    group = _group(options)
    t = np.linspace(0.0, horizon * min(group.mttf_hours, 1e7), 25)
    fastest = float(np.max(-np.diag(group.generator)))
    try:
        r, f = group.reliability(t), group.unreliability(t)
        a = group.availability_at(t)
    except ftmath.ComputationLimitError:
        # Allowed only where double precision cannot follow the chain: a horizon far beyond
        # the fastest rate's time scale, before the chain settles.
        assert fastest * t[-1] > 1e4
        return
    # Absolute error of the matrix exponential: about 1e-16 x (fastest rate x t), plus the
    # rounding of walking the grid in 24 steps.
    tolerance = 1e-14 * max(1.0, min(fastest * t[-1], 1e7))
    assert r[0] == 1.0
    assert np.all(np.diff(r) <= tolerance)
    assert_allclose(r + f, 1.0, rtol=0, atol=tolerance)
    assert np.all(a >= r - tolerance)
    assert np.all((r >= 0) & (r <= 1) & (a >= 0) & (a <= 1))


@given(groups(repair=True), st.floats(min_value=2.0, max_value=6.0))
def test_long_run_reliability_decays_at_the_mttf_rate(options: dict, speed: float) -> None:
    # Once the chain has settled, a group that rarely fails loses its survivors at rate
    # close to 1 / MTTF: R(MTTF) is about exp(-1) when outages are rare events.
    fastest_life = min(options["mtbf_hours"], options.get("standby_mtbf_hours", math.inf))
    options["mttr_hours"] = fastest_life * 10.0**-speed
    options["switch_reliability"] = 1.0
    assume(options["n"] > options["k"])
    group = _group(options)
    fastest = float(np.max(-np.diag(group.generator)))
    assume(group.mttf_hours * fastest > 1e7)
    try:
        r = group.reliability(group.mttf_hours)
    except ftmath.ComputationLimitError:
        return
    assert_allclose(r, math.exp(-1.0), rtol=1e-3)


# --- the exact reference: the same model, built again and solved in rational arithmetic -------


def _exact(options: dict) -> tuple[Fraction, Fraction]:
    k, n = options["k"], options["n"]
    lam = 1 / Fraction(options["mtbf_hours"])
    standby_mtbf = options.get("standby_mtbf_hours", math.inf)
    lam_s = Fraction(0) if math.isinf(standby_mtbf) else 1 / Fraction(standby_mtbf)
    p = Fraction(options.get("switch_reliability", 1.0))
    beta = options.get("load_exponent", 0.0)
    active = options["arrangement"] == "active"
    repair = options.get("mttr_hours") is not None
    mu = 1 / Fraction(options["mttr_hours"]) if repair else Fraction(0)
    delta = 1 / Fraction(options["failover_hours"]) if repair else Fraction(0)
    crews = options.get("crews", 1)

    states = [("up", f) for f in range(n - k + 1)] + [("down", n - k + 1)]
    states += [("failover", f) for f in range(1, n - k + 1)] if p < 1 else []
    index = {s: i for i, s in enumerate(states)}
    rates: dict[tuple[int, int], Fraction] = {}

    def add(a: tuple, b: tuple, rate: Fraction) -> None:
        if rate:
            rates[index[a], index[b]] = rates.get((index[a], index[b]), Fraction(0)) + rate

    for f in range(n - k + 1):
        working = n - f
        if active:
            # The load factor as the float code rounds it; the solve is what is checked here.
            load = Fraction((n / working) ** beta)
            service, spares = working * lam * load, Fraction(0)
        else:
            service, spares = k * lam, (working - k) * lam_s
        if working - 1 >= k:
            add(("up", f), ("up", f + 1), p * service + spares)
            if p < 1:
                add(("up", f), ("failover", f + 1), (1 - p) * service)
        else:
            add(("up", f), ("down", n - k + 1), service + spares)
        if repair and f >= 1:
            add(("up", f), ("up", f - 1), min(f, crews) * mu)
    if repair:
        add(("down", n - k + 1), ("up", n - k), min(n - k + 1, crews) * mu)
        for f in range(1, n - k + 1):
            if p < 1:
                add(("failover", f), ("up", f), delta)

    size = len(states)
    q = [[Fraction(0)] * size for _ in range(size)]
    for (i, j), rate in rates.items():
        q[i][j] += rate
    for i in range(size):
        q[i][i] = -sum(q[i][j] for j in range(size) if j != i)

    ups = list(range(n - k + 1))
    # MTTF: (-Q_UU) m = 1.
    a = [[-q[i][j] for j in ups] for i in ups]
    mttf = _solve(a, [Fraction(1)] * len(ups))[0]
    if not repair:
        return mttf, Fraction(1)
    # Steady state: Q^T pi = 0, first equation replaced by sum(pi) = 1.
    a = [[q[j][i] for j in range(size)] for i in range(size)]
    a[0] = [Fraction(1)] * size
    pi = _solve(a, [Fraction(1)] + [Fraction(0)] * (size - 1))
    return mttf, sum(pi[i] for i in range(size) if i not in ups)


def _solve(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """Gauss-Jordan elimination in exact arithmetic (the reference, not the method under test)."""
    size = len(b)
    rows = [row[:] + [value] for row, value in zip(a, b, strict=True)]
    for col in range(size):
        pivot = next(r for r in range(col, size) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col][col]
        rows[col] = [x / head for x in rows[col]]
        for r in range(size):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[col], strict=True)]
    return [rows[r][size] for r in range(size)]
