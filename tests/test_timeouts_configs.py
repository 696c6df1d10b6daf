"""ftmath.configs: the exported Envoy, gRPC and Resilience4j policies carry the right numbers."""

from __future__ import annotations

import json
import re

import pytest

from ftmath import InputError, envoy_route_config, grpc_service_config, resilience4j_properties


def yaml_values(text: str) -> dict[str, str]:
    """`key: value` pairs of the uncommented lines (enough for these flat checks)."""
    pairs = {}
    for line in text.splitlines():
        match = re.match(r"^\s*-?\s*([a-z_]+):\s*(.+)$", line)
        if match and not line.lstrip().startswith("#"):
            pairs[match.group(1)] = match.group(2).strip()
    return pairs


def properties(text: str) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )


class TestEnvoy:
    def test_retry_route(self) -> None:
        text = envoy_route_config(
            timeout_ms=2834,
            per_try_timeout_ms=900.5,
            retries=2,
            backoff_base_ms=25,
            backoff_cap_ms=250,
            retry_budget=0.2,
            cluster='we"ird',
        )
        values = yaml_values(text)
        assert values["timeout"] == "2.834s"
        assert values["per_try_timeout"] == "0.9005s"
        assert values["num_retries"] == "2"
        assert values["base_interval"] == "0.025s"
        assert values["max_interval"] == "0.25s"
        assert values["cluster"] == json.dumps('we"ird')
        assert "budget_percent: {value: 20}" in text
        assert "hedge_policy" not in text

    def test_hedging_uses_per_try_timeout(self) -> None:
        text = envoy_route_config(timeout_ms=1000, hedge_delay_ms=120, hedges=1)
        values = yaml_values(text)
        assert values["hedge_on_per_try_timeout"] == "true"
        assert values["per_try_timeout"] == "0.12s"
        assert values["num_retries"] == "1"

    def test_rounds_up_never_down(self) -> None:
        assert yaml_values(envoy_route_config(timeout_ms=0.0004))["timeout"] == "0.000001s"
        assert yaml_values(envoy_route_config(timeout_ms=1.0000001))["timeout"] == "0.001001s"

    def test_bad(self) -> None:
        with pytest.raises(InputError, match="timeout_ms"):
            envoy_route_config(timeout_ms=0)
        with pytest.raises(InputError, match="not both"):
            envoy_route_config(timeout_ms=10, retries=1, hedge_delay_ms=5, hedges=1)


class TestGrpc:
    def test_retry_policy(self) -> None:
        doc = json.loads(
            grpc_service_config(
                timeout_ms=2500.25,
                service="shop.Cart",
                retries=2,
                backoff_base_ms=25,
                backoff_cap_ms=250,
                retry_budget=0.1,
            )  # fmt: skip
        )
        (config,) = doc["methodConfig"]
        assert config["name"] == [{"service": "shop.Cart"}]
        assert config["timeout"] == "2.500250s"
        policy = config["retryPolicy"]
        assert policy["maxAttempts"] == 3
        assert policy["initialBackoff"] == "0.025s"
        assert policy["maxBackoff"] == "0.250s"
        assert policy["retryableStatusCodes"] == ["UNAVAILABLE"]
        assert doc["retryThrottling"] == {"maxTokens": 10, "tokenRatio": 0.1}

    def test_hedging_policy(self) -> None:
        doc = json.loads(
            grpc_service_config(timeout_ms=1000, hedge_delay_ms=95, hedges=2, method="Get")
        )
        (config,) = doc["methodConfig"]
        assert config["name"] == [{"service": "", "method": "Get"}]
        assert config["hedgingPolicy"] == {
            "maxAttempts": 3,
            "hedgingDelay": "0.095s",
            "nonFatalStatusCodes": ["UNAVAILABLE"],
        }
        assert "retryPolicy" not in config

    def test_limits(self) -> None:
        with pytest.raises(InputError, match="from 0 to 4"):
            grpc_service_config(timeout_ms=10, retries=5)  # gRPC caps maxAttempts at 5
        with pytest.raises(InputError, match="status code"):
            grpc_service_config(timeout_ms=10, retries=1, retryable_status_codes=["503"])


class TestResilience4j:
    @pytest.mark.parametrize(
        ("jitter", "wait", "factor"),
        [("none", "100ms", None), ("full", "50ms", "1.0"), ("equal", "75ms", "0.3333")],
    )
    def test_jitter_mapping(self, jitter: str, wait: str, factor: str | None) -> None:
        # Resilience4j randomises w to U(w(1-f), w(1+f)): full jitter U(0, c) is w = c/2,
        # f = 1; equal jitter U(c/2, c) is w = 3c/4, f = 1/3.
        props = properties(
            resilience4j_properties(
                timeout_ms=799.2,
                retries=3,
                backoff_base_ms=100,
                backoff_cap_ms=1000,
                jitter=jitter,
                name="orders",
            )  # fmt: skip
        )
        prefix = "resilience4j.retry.instances.orders."
        assert props["resilience4j.timelimiter.instances.orders.timeoutDuration"] == "800ms"
        assert props[prefix + "maxAttempts"] == "4"
        assert props[prefix + "waitDuration"] == wait
        assert props.get(prefix + "randomizedWaitFactor") == factor
        assert props[prefix + "enableExponentialBackoff"] == "true"

    def test_no_retries(self) -> None:
        props = properties(resilience4j_properties(timeout_ms=50))
        assert props["resilience4j.retry.instances.backend.maxAttempts"] == "1"

    def test_bad_name(self) -> None:
        with pytest.raises(InputError, match="instance name"):
            resilience4j_properties(timeout_ms=50, name="a=b")


class TestDurationLimits:
    """Durations a target cannot read are refused, never written as a config that fails to load.

    Sources: ``google/protobuf/duration.proto`` (seconds from -315,576,000,000 to
    +315,576,000,000 inclusive, about 10,000 years), which gRPC service configs use; Envoy's
    ``source/common/protobuf/utility.cc`` (``DurationUtil::durationToMilliseconds`` rejects
    more than int64-max nanoseconds, 9,223,372,036 s, with ``strict_duration_validation``;
    its test uses (int64 max - 999,999,999) / 1e9 = 9,223,372,035 s); Spring Boot's
    ``DurationStyle`` reads ``…ms`` with ``Long.parseLong`` (at most 2^63 - 1 ms).
    """

    def test_regression_per_try_1e300_ms(self) -> None:
        # the newcomer review: 1e300 ms became `timeout: 3000…s` (300 digits), with no error
        with pytest.raises(InputError, match=r"315,576,000,000 s") as envoy:
            envoy_route_config(timeout_ms=3e300, per_try_timeout_ms=1e300, retries=2)
        assert "`per_try_timeout_ms`" in str(envoy.value)  # what the user set, first
        assert "9,223,372,035 s" in str(envoy.value)
        with pytest.raises(InputError, match=r"protobuf Durations of at most 315,576,000,000 s"):
            grpc_service_config(timeout_ms=3e300, retries=2)
        with pytest.raises(InputError, match="9,223,372,036,854,775,807 ms"):
            resilience4j_properties(timeout_ms=1e300)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"backoff_base_ms": 1e300, "backoff_cap_ms": 2e300},
            {"backoff_base_ms": 25, "backoff_cap_ms": 1e300},
        ],
    )
    def test_backoff_limits(self, kwargs: dict[str, float]) -> None:
        with pytest.raises(InputError, match="longer than Envoy accepts"):
            envoy_route_config(timeout_ms=1000, per_try_timeout_ms=100, retries=1, **kwargs)
        with pytest.raises(InputError, match="longer than a gRPC service config accepts"):
            grpc_service_config(timeout_ms=1000, retries=1, **kwargs)
        with pytest.raises(InputError, match="longer than Resilience4j accepts"):
            resilience4j_properties(timeout_ms=100, retries=1, **kwargs)

    def test_hedging_delay_limits(self) -> None:
        with pytest.raises(InputError, match="`hedge_delay_ms`.*longer than Envoy"):
            envoy_route_config(timeout_ms=1000, hedge_delay_ms=1e16, hedges=1)
        with pytest.raises(InputError, match="`hedge_delay_ms`.*315,576,000,000"):
            grpc_service_config(timeout_ms=1000, hedge_delay_ms=1e300, hedges=1)

    def test_boundaries(self) -> None:
        duration_pb2 = pytest.importorskip("google.protobuf.duration_pb2")
        # gRPC: exactly 315,576,000,000 s is a valid Duration; one ms more is not
        grpc = json.loads(grpc_service_config(timeout_ms=315_576_000_000_000))
        text = grpc["methodConfig"][0]["timeout"]
        assert text == "315576000000s"
        duration_pb2.Duration().FromJsonString(text)  # protobuf itself accepts it
        with pytest.raises(InputError):
            grpc_service_config(timeout_ms=315_576_000_000_001)
        with pytest.raises(ValueError):  # and protobuf refuses what we refuse
            duration_pb2.Duration().FromJsonString("315576000001s")
        # Envoy: 9,223,372,035 s passes, a millisecond more does not
        envoy = yaml_values(envoy_route_config(timeout_ms=9_223_372_035_000))
        assert envoy["timeout"] == "9223372035s"
        with pytest.raises(InputError):
            envoy_route_config(timeout_ms=9_223_372_035_001)

    def test_long_but_valid_durations_are_exact(self) -> None:
        # integer arithmetic, no float rounding of large seconds: 1,234,567,890.123457 s
        envoy = yaml_values(envoy_route_config(timeout_ms=1_234_567_890_123.4567))
        assert envoy["timeout"] == "1234567890.123457s"
        grpc = json.loads(grpc_service_config(timeout_ms=1_234_567_890_123.4567))
        assert grpc["methodConfig"][0]["timeout"] == "1234567890.123457s"

    def test_cap_below_base_names_both_values(self) -> None:
        message = "must be at least `backoff_base_ms`: got a cap of 10 ms and a base of 25 ms"
        with pytest.raises(InputError, match=re.escape(message)):
            envoy_route_config(timeout_ms=1000, backoff_base_ms=25, backoff_cap_ms=10)
        with pytest.raises(InputError, match=re.escape(message)):
            grpc_service_config(timeout_ms=1000, retries=1, backoff_base_ms=25, backoff_cap_ms=10)
        with pytest.raises(InputError, match=re.escape(message)):
            resilience4j_properties(
                timeout_ms=100, retries=1, backoff_base_ms=25, backoff_cap_ms=10
            )
