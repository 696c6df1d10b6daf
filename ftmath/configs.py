"""Ready-to-paste client and proxy policies: Envoy routes, gRPC service config, Resilience4j.

Builders take plain numbers (timeouts and back-off in ms, retry counts, hedging delay) and
return text, so any page (Timeouts, Policy simulator) can export the policy it computed.
Durations are rounded *up* (to the microsecond for Envoy and gRPC, to the millisecond for
Resilience4j, whose Spring durations are whole numbers), so an exported timeout never cuts off
more than the one computed. Names a user typed are quoted as JSON strings (valid YAML too).

A duration the target cannot read is an :class:`~ftmath.InputError`, never a file that fails
to load: a protobuf ``Duration`` (gRPC) holds at most 315,576,000,000 s (10,000 years;
``google/protobuf/duration.proto``); Envoy converts its durations to milliseconds and rejects
more than 9,223,372,035 s (about 292 years: int64 nanoseconds, ``DurationUtil`` with
``strict_duration_validation``); Spring Boot reads Resilience4j's ``…ms`` durations as a Java
``long`` of milliseconds (at most 9,223,372,036,854,775,807 ms).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from ftmath._validate import check_positive
from ftmath.errors import InputError

__all__ = [
    "ENVOY_MAX_DURATION_S",
    "GRPC_MAX_DURATION_S",
    "RESILIENCE4J_MAX_DURATION_MS",
    "envoy_route_config",
    "grpc_service_config",
    "resilience4j_circuit_breaker_properties",
    "resilience4j_properties",
]

_JITTERS = ("none", "full", "equal", "decorrelated")

GRPC_MAX_DURATION_S = 315_576_000_000
"""Largest protobuf ``Duration`` in seconds (10,000 years), as gRPC service configs use."""

ENVOY_MAX_DURATION_S = 9_223_372_035
"""Largest duration Envoy accepts where it reads milliseconds (int64 nanoseconds, ~292 years)."""

RESILIENCE4J_MAX_DURATION_MS = 2**63 - 1
"""Largest ``…ms`` duration Spring Boot reads (a Java ``long``)."""

_PROTOBUF_LIMIT = "its durations are protobuf Durations of at most 315,576,000,000 s (10,000 years)"


def _micros(ms: float, name: str) -> int:
    """Microseconds, rounded up (a timeout exported never cuts off more than computed)."""
    return math.ceil(round(check_positive(ms, name) * 1000.0, 6))


def _too_long(name: str, ms: float, target: str, limit: str) -> InputError:
    return InputError(
        f"`{name}` is {ms:,.15g} ms ({ms / 1000.0:,.15g} s), longer than {target} accepts: "
        f"{limit}. Enter a shorter duration"
    )


def _duration(ms: float, name: str) -> str:
    """An Envoy duration string in seconds: 2834 ms -> "2.834s" (rounded up to 1e-6 s)."""
    value = check_positive(ms, name)
    micros = _micros(value, name) if value / 1000.0 <= ENVOY_MAX_DURATION_S else None
    if micros is None or micros > ENVOY_MAX_DURATION_S * 1_000_000:
        raise _too_long(
            name,
            value,
            "Envoy",
            "Envoy reads durations as milliseconds and rejects more than 9,223,372,035 s, "
            "about 292 years (a protobuf Duration itself holds up to 315,576,000,000 s)",
        )
    whole, frac = divmod(micros, 1_000_000)
    return f"{whole}.{frac:06d}".rstrip("0").rstrip(".") + "s"


def _whole_ms(ms: float, name: str) -> int:
    value = check_positive(ms, name)
    if value > RESILIENCE4J_MAX_DURATION_MS:
        raise _too_long(
            name,
            value,
            "Resilience4j",
            "Spring Boot reads its durations as a Java long of milliseconds, at most "
            "9,223,372,036,854,775,807 ms (about 292 million years)",
        )
    return max(1, math.ceil(round(value, 6)))


def _count(value: int, name: str, most: int) -> int:
    if isinstance(value, bool) or int(value) != value or not 0 <= int(value) <= most:
        raise InputError(f"`{name}` must be a whole number from 0 to {most}, got {value}")
    return int(value)


def _comment(lines: Sequence[str], mark: str = "#") -> list[str]:
    return [f"{mark} {line}".rstrip() for text in lines for line in str(text).splitlines()]


def envoy_route_config(
    *,
    timeout_ms: float,
    per_try_timeout_ms: float | None = None,
    retries: int = 0,
    backoff_base_ms: float | None = None,
    backoff_cap_ms: float | None = None,
    retry_budget: float | None = None,
    hedge_delay_ms: float | None = None,
    hedges: int = 0,
    retry_on: str = "5xx,reset,connect-failure,refused-stream",
    cluster: str = "backend",
    prefix: str = "/",
    comments: Sequence[str] = (),
) -> str:
    """An Envoy virtual host with one route: timeout, retry policy, back-off, hedging, budget.

    Parameters
    ----------
    timeout_ms : float
        Route ``timeout``: the overall deadline, retries included.
    per_try_timeout_ms : float, optional
        ``retry_policy.per_try_timeout``.
    retries : int, optional
        ``retry_policy.num_retries``.
    backoff_base_ms, backoff_cap_ms : float, optional
        ``retry_back_off.base_interval`` / ``max_interval`` (Envoy's defaults are 25 ms and
        10 × base).
    retry_budget : float, optional
        Share of active requests that may be retries (0.2 = 20 %): written as the cluster's
        ``circuit_breakers.thresholds.retry_budget`` in a comment block.
    hedge_delay_ms : float, optional
        Envoy hedges on the per-try timeout (``hedge_on_per_try_timeout``): the hedging delay
        becomes the per-try timeout and ``hedges`` the retries.
    hedges : int, optional
        Hedged copies (with ``hedge_delay_ms``).
    retry_on : str, optional
        ``retry_policy.retry_on`` conditions.
    cluster, prefix : str, optional
        The upstream cluster and the route's path prefix.
    comments : sequence of str, optional
        Lines written as ``#`` comments at the top (where the numbers come from).

    Returns
    -------
    str
        YAML for ``route_config.virtual_hosts`` (Envoy v3 API).

    Notes
    -----
    Envoy's back-off before retry n is uniform on [0, (2^n − 1) × base), capped at
    ``max_interval`` (fully jittered). Field names: ``config.route.v3.RetryPolicy``,
    ``config.core.v3.BackoffStrategy``, ``config.route.v3.HedgePolicy``,
    ``config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget``.

    Examples
    --------
    >>> text = envoy_route_config(timeout_ms=3000, per_try_timeout_ms=1000, retries=2,
    ...                           backoff_base_ms=25, backoff_cap_ms=250)
    >>> [line.strip() for line in text.splitlines() if "timeout" in line]
    ['timeout: 3s', 'per_try_timeout: 1s']
    """
    k = _count(retries, "retries", 100)
    h = _count(hedges, "hedges", 100)
    if k and hedge_delay_ms is not None and h:
        raise InputError("choose retries or hedging for one route, not both")
    # what the user set first, then the overall timeout derived from it
    per_try: str | None
    hedging = hedge_delay_ms is not None and h > 0
    if hedge_delay_ms is not None and hedging:
        per_try = _duration(hedge_delay_ms, "hedge_delay_ms")
        k = h
    else:
        per_try = (
            None
            if per_try_timeout_ms is None
            else _duration(per_try_timeout_ms, "per_try_timeout_ms")
        )
    base = None if backoff_base_ms is None else _duration(backoff_base_ms, "backoff_base_ms")
    cap = None if backoff_cap_ms is None else _duration(backoff_cap_ms, "backoff_cap_ms")
    if (
        backoff_base_ms is not None
        and backoff_cap_ms is not None
        and backoff_cap_ms < backoff_base_ms
    ):
        raise InputError(
            f"`backoff_cap_ms` must be at least `backoff_base_ms`: got a cap of "
            f"{backoff_cap_ms:g} ms and a base of {backoff_base_ms:g} ms (Envoy rejects a "
            "max_interval below the base_interval)"
        )
    timeout = _duration(timeout_ms, "timeout_ms")
    lines = _comment(["Envoy route configuration (v3 API), from the Fault Tolerance Workbench."])
    lines += _comment(comments)
    lines += ["virtual_hosts:", f"- name: {json.dumps(cluster)}", '  domains: ["*"]']
    if hedging:
        lines += ["  hedge_policy:", "    hedge_on_per_try_timeout: true"]
    lines += [
        "  routes:",
        "  - match:",
        f"      prefix: {json.dumps(prefix)}",
        "    route:",
        f"      cluster: {json.dumps(cluster)}",
        f"      timeout: {timeout}",
    ]
    if k or per_try:
        lines += [
            "      retry_policy:",
            f"        retry_on: {json.dumps(retry_on)}",
            f"        num_retries: {k}",
        ]
        if per_try:
            lines.append(f"        per_try_timeout: {per_try}")
        if base is not None:
            lines += ["        retry_back_off:", f"          base_interval: {base}"]
            if cap is not None:
                lines.append(f"          max_interval: {cap}")
    if retry_budget is not None:
        percent = check_positive(retry_budget, "retry_budget", allow_zero=True) * 100
        lines += _comment(
            [
                "Retry budget: add to the cluster named above (clusters[].circuit_breakers):",
                "circuit_breakers:",
                "  thresholds:",
                "  - retry_budget:",
                f"      budget_percent: {{value: {percent:g}}}",
                "      min_retry_concurrency: 3",
            ]
        )
    return "\n".join(lines) + "\n"


_GRPC_CODES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED",
}  # fmt: skip


def _grpc_duration(ms: float, name: str) -> str:
    """proto3 JSON Duration with 0, 3, 6 or 9 fractional digits, rounded up to 1 µs."""
    value = check_positive(ms, name)
    micros = _micros(value, name) if value / 1000.0 <= GRPC_MAX_DURATION_S else None
    if micros is None or micros > GRPC_MAX_DURATION_S * 1_000_000:
        raise _too_long(name, value, "a gRPC service config", _PROTOBUF_LIMIT)
    whole, frac = divmod(micros, 1_000_000)
    if frac == 0:
        return f"{whole}s"
    if frac % 1000 == 0:
        return f"{whole}.{frac // 1000:03d}s"
    return f"{whole}.{frac:06d}s"


def grpc_service_config(
    *,
    timeout_ms: float,
    service: str = "",
    method: str | None = None,
    retries: int = 0,
    backoff_base_ms: float = 100.0,
    backoff_cap_ms: float = 1000.0,
    backoff_multiplier: float = 2.0,
    retryable_status_codes: Sequence[str] = ("UNAVAILABLE",),
    hedge_delay_ms: float | None = None,
    hedges: int = 0,
    non_fatal_status_codes: Sequence[str] = ("UNAVAILABLE",),
    retry_budget: float | None = None,
) -> str:
    """A gRPC service config: ``timeout`` plus a ``retryPolicy`` or a ``hedgingPolicy``.

    Parameters
    ----------
    timeout_ms : float
        The method's ``timeout`` (the call's deadline, retries included).
    service : str, optional
        Fully qualified service (``package.Service``); empty applies to all services.
    method : str, optional
        One method of the service; all methods by default.
    retries : int, optional
        Retries: ``maxAttempts`` = retries + 1 (gRPC caps it at 5).
    backoff_base_ms, backoff_cap_ms, backoff_multiplier : float, optional
        ``initialBackoff``, ``maxBackoff``, ``backoffMultiplier``.
    retryable_status_codes : sequence of str, optional
        Status codes that are retried.
    hedge_delay_ms : float, optional
        ``hedgingDelay``; with ``hedges`` writes a ``hedgingPolicy`` instead of retries.
    hedges : int, optional
        Hedged copies: ``maxAttempts`` = hedges + 1.
    non_fatal_status_codes : sequence of str, optional
        Codes after which hedging continues.
    retry_budget : float, optional
        Written as ``retryThrottling`` with ``tokenRatio`` = budget (the bucket tolerates about
        that many failures per success before throttling) and ``maxTokens`` 10.

    Returns
    -------
    str
        JSON (gRFC A6 service config).

    Notes
    -----
    gRPC has no per-attempt timeout: the per-try timeout is not part of this file. Before
    retry n gRPC waits ``random(0, min(initialBackoff × multiplier^(n-1), maxBackoff))``.

    Examples
    --------
    >>> print(grpc_service_config(timeout_ms=2500, service="shop.Cart", retries=2))
    ... # doctest: +ELLIPSIS
    {
      "methodConfig": [
        {
          "name": [
            {
              "service": "shop.Cart"
            }
          ],
          "timeout": "2.500s",
          "retryPolicy": {
            "maxAttempts": 3,
    ...
    """
    k = _count(retries, "retries", 4)
    h = _count(hedges, "hedges", 4)
    for code in (*retryable_status_codes, *non_fatal_status_codes):
        if str(code).upper() not in _GRPC_CODES:
            raise InputError(f"{code!r} is not a gRPC status code name (e.g. UNAVAILABLE)")
    name: dict[str, str] = {"service": service}
    if method:
        name["method"] = method
    policy: tuple[str, dict[str, object]] | None = None
    if hedge_delay_ms is not None and h:
        if k:
            raise InputError("gRPC allows a retryPolicy or a hedgingPolicy per method, not both")
        delay = check_positive(hedge_delay_ms, "hedge_delay_ms", allow_zero=True)
        policy = (
            "hedgingPolicy",
            {
                "maxAttempts": h + 1,
                "hedgingDelay": _grpc_duration(delay, "hedge_delay_ms") if delay > 0 else "0s",
                "nonFatalStatusCodes": [str(c).upper() for c in non_fatal_status_codes],
            },
        )
    elif k:
        initial = _grpc_duration(backoff_base_ms, "backoff_base_ms")
        most = _grpc_duration(backoff_cap_ms, "backoff_cap_ms")
        if backoff_cap_ms < backoff_base_ms:
            raise InputError(
                f"`backoff_cap_ms` must be at least `backoff_base_ms`: got a cap of "
                f"{backoff_cap_ms:g} ms and a base of {backoff_base_ms:g} ms"
            )
        policy = (
            "retryPolicy",
            {
                "maxAttempts": k + 1,
                "initialBackoff": initial,
                "maxBackoff": most,
                "backoffMultiplier": check_positive(backoff_multiplier, "backoff_multiplier"),
                "retryableStatusCodes": [str(c).upper() for c in retryable_status_codes],
            },
        )
    config: dict[str, object] = {
        "name": [name],
        "timeout": _grpc_duration(timeout_ms, "timeout_ms"),
    }
    if policy is not None:
        config[policy[0]] = policy[1]
    document: dict[str, object] = {"methodConfig": [config]}
    if retry_budget is not None and (k or h):
        ratio = check_positive(retry_budget, "retry_budget")
        document["retryThrottling"] = {"maxTokens": 10, "tokenRatio": round(ratio, 3)}
    return json.dumps(document, indent=2)


def resilience4j_properties(
    *,
    timeout_ms: float,
    retries: int = 0,
    backoff_base_ms: float = 100.0,
    backoff_cap_ms: float | None = None,
    backoff_multiplier: float = 2.0,
    jitter: str = "full",
    name: str = "backend",
    comments: Sequence[str] = (),
) -> str:
    """Spring Boot properties for a Resilience4j TimeLimiter (per try) and Retry.

    Parameters
    ----------
    timeout_ms : float
        ``timelimiter.timeoutDuration``: with Resilience4j's default aspect order (Retry
        outside TimeLimiter) this is a per-try timeout.
    retries : int, optional
        ``retry.maxAttempts`` = retries + 1.
    backoff_base_ms, backoff_cap_ms, backoff_multiplier : float, optional
        Exponential back-off: wait before retry n is
        ``min(cap, base × multiplier^(n-1))``.
    jitter : {"none", "full", "equal", "decorrelated"}, optional
        Resilience4j randomises a wait w uniformly in [w(1 − f), w(1 + f)]; full jitter
        U(0, c) is exactly ``waitDuration`` c/2 with f = 1, equal jitter U(c/2, c) is 3c/4
        with f = 1/3. Decorrelated jitter has no equivalent (full jitter is written).
    name : str, optional
        The instance name.
    comments : sequence of str, optional
        Lines written as ``#`` comments at the top.

    Returns
    -------
    str
        ``application.properties`` lines.

    Examples
    --------
    >>> text = resilience4j_properties(timeout_ms=800, retries=2, backoff_base_ms=100,
    ...                                backoff_cap_ms=1000, jitter="full")
    >>> [line for line in text.splitlines() if "Wait" in line or "wait" in line]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['resilience4j.retry.instances.backend.waitDuration=50ms',
     'resilience4j.retry.instances.backend.enableRandomizedWait=true',
     'resilience4j.retry.instances.backend.randomizedWaitFactor=1.0',
     'resilience4j.retry.instances.backend.exponentialMaxWaitDuration=500ms']
    """
    if jitter not in _JITTERS:
        raise InputError(f"`jitter` must be one of {list(_JITTERS)}, got {jitter!r}")
    k = _count(retries, "retries", 100)
    if not name or any(c in name for c in "=:\n\r# "):
        raise InputError("`name` must be a non-empty instance name without spaces, = or :")
    prefix_t = f"resilience4j.timelimiter.instances.{name}"
    prefix_r = f"resilience4j.retry.instances.{name}"
    lines = _comment(["Resilience4j (Spring Boot), from the Fault Tolerance Workbench."])
    lines += _comment(comments)
    lines += [
        f"{prefix_t}.timeoutDuration={_whole_ms(timeout_ms, 'timeout_ms')}ms",
        f"{prefix_t}.cancelRunningFuture=true",
        f"{prefix_r}.maxAttempts={k + 1}",
    ]
    if not k:
        return "\n".join(lines) + "\n"
    scale, factor = {"none": (1.0, None), "full": (0.5, 1.0), "equal": (0.75, 1 / 3)}.get(
        jitter, (0.5, 1.0)
    )
    if jitter == "decorrelated":
        lines += _comment(["decorrelated jitter has no Resilience4j equivalent: full jitter"])
    base = check_positive(backoff_base_ms, "backoff_base_ms")
    _whole_ms(base, "backoff_base_ms")  # the duration entered must fit, not only its scaled wait
    if backoff_cap_ms is not None:
        _whole_ms(backoff_cap_ms, "backoff_cap_ms")
    lines += [
        f"{prefix_r}.waitDuration={_whole_ms(base * scale, 'backoff_base_ms')}ms",
        f"{prefix_r}.enableExponentialBackoff=true",
        f"{prefix_r}.exponentialBackoffMultiplier="
        f"{check_positive(backoff_multiplier, 'backoff_multiplier'):g}",
    ]
    if factor is not None:
        lines += [
            f"{prefix_r}.enableRandomizedWait=true",
            f"{prefix_r}.randomizedWaitFactor={factor:.4g}"
            if factor != 1.0
            else f"{prefix_r}.randomizedWaitFactor=1.0",
        ]
    if backoff_cap_ms is not None:
        if backoff_cap_ms < base:
            raise InputError(
                f"`backoff_cap_ms` must be at least `backoff_base_ms`: got a cap of "
                f"{backoff_cap_ms:g} ms and a base of {base:g} ms"
            )
        lines.append(
            f"{prefix_r}.exponentialMaxWaitDuration="
            f"{_whole_ms(backoff_cap_ms * scale, 'backoff_cap_ms')}ms"
        )
    return "\n".join(lines) + "\n"


def resilience4j_circuit_breaker_properties(
    *,
    failure_rate: float,
    window_calls: int,
    minimum_calls: int,
    open_ms: float,
    half_open_calls: int,
    name: str = "backend",
    comments: Sequence[str] = (),
) -> str:
    """Spring Boot properties for a count-based Resilience4j CircuitBreaker.

    Parameters
    ----------
    failure_rate : float
        ``failureRateThreshold`` as a share (0.5 is written as 50).
    window_calls : int
        ``slidingWindowSize`` (``slidingWindowType=COUNT_BASED``).
    minimum_calls : int
        ``minimumNumberOfCalls``.
    open_ms : float
        ``waitDurationInOpenState`` (rounded up to whole ms).
    half_open_calls : int
        ``permittedNumberOfCallsInHalfOpenState``.
    name : str, optional
        The instance name.
    comments : sequence of str, optional
        Lines written as ``#`` comments at the top.

    Returns
    -------
    str
        ``application.properties`` lines; the breaker moves from open to half-open by itself
        (``automaticTransitionFromOpenToHalfOpenEnabled``).

    Examples
    --------
    >>> text = resilience4j_circuit_breaker_properties(
    ...     failure_rate=0.5, window_calls=50, minimum_calls=20, open_ms=5000, half_open_calls=5)
    >>> [line.split(".")[-1] for line in text.splitlines()[1:4]]
    ['slidingWindowType=COUNT_BASED', 'slidingWindowSize=50', 'minimumNumberOfCalls=20']
    """
    if not 0 < failure_rate <= 1:
        raise InputError(f"`failure_rate` must be in (0, 1], got {failure_rate}")
    window = _count(window_calls, "window_calls", 1_000_000)
    minimum = _count(minimum_calls, "minimum_calls", 1_000_000)
    probes = _count(half_open_calls, "half_open_calls", 1_000_000)
    if window < 1 or minimum < 1 or probes < 1:
        raise InputError("`window_calls`, `minimum_calls` and `half_open_calls` must be >= 1")
    if not name or any(c in name for c in "=:\n\r# "):
        raise InputError("`name` must be a non-empty instance name without spaces, = or :")
    prefix = f"resilience4j.circuitbreaker.instances.{name}"
    lines = _comment(comments)
    lines += [
        f"{prefix}.registerHealthIndicator=true",
        f"{prefix}.slidingWindowType=COUNT_BASED",
        f"{prefix}.slidingWindowSize={window}",
        f"{prefix}.minimumNumberOfCalls={minimum}",
        f"{prefix}.failureRateThreshold={failure_rate * 100:g}",
        f"{prefix}.waitDurationInOpenState={_whole_ms(open_ms, 'open_ms')}ms",
        f"{prefix}.permittedNumberOfCallsInHalfOpenState={probes}",
        f"{prefix}.automaticTransitionFromOpenToHalfOpenEnabled=true",
    ]
    return "\n".join(lines) + "\n"
