"""ftmath: the exact maths behind the Fault Tolerance Workbench.

Pure functions and small result objects: no UI, no printing, no global state. Every public
name is listed in ``__all__``; the stable contract is in ``DESIGN.md``.
"""

from ftmath.catalog import (
    example_multi_region,
    example_storage_array,
    example_web_service,
    read_drive_survival,
    read_sla_commitments,
)
from ftmath.configs import (
    envoy_route_config,
    grpc_service_config,
    resilience4j_properties,
)
from ftmath.errors import ComputationLimitError, InputError
from ftmath.explain import Explanation, latex_number
from ftmath.latency import (
    LATENCY_FORMATS,
    LatencyFormat,
    LatencyHistogram,
    detect_latency_format,
    read_latencies,
    read_latency_histograms,
    select_requests,
)
from ftmath.reliability import (
    HOURS_PER_YEAR,
    Downtime,
    availability,
    downtime,
    k_of_n,
    k_of_n_unreliability,
    mission_reliability,
    mission_unreliability,
    nines,
    parallel,
    parallel_unreliability,
    series,
    series_unreliability,
    unavailability,
)
from ftmath.targets import downtime_budget
from ftmath.timeouts import (
    DEFAULT_PERCENTILES,
    JITTERS,
    HistogramPercentile,
    PolicyResult,
    RetryOutcome,
    TimeoutRecommendation,
    backoff_table,
    compare_policies,
    endpoint_table,
    hedged_latency,
    histogram_percentile,
    histogram_percentile_table,
    latency_bins,
    latency_over_time,
    nearest_rank,
    percentile_name,
    percentile_spectrum,
    percentile_table,
    quantile_interval_ranks,
    recommend_timeout,
    retry_outcome,
    simulate_policy,
)
from ftmath.topology import (
    Component,
    Tier,
    Topology,
    TopologyResult,
    components_from_table,
    components_table,
    document_from_tiers,
    document_from_token,
    evaluate,
    parse_topology,
    replica_what_if,
    share_token,
    tiers_from_document,
    to_dot,
)

__all__ = [
    # catalog of component figures
    "example_multi_region",
    "example_storage_array",
    "example_web_service",
    "read_drive_survival",
    "read_sla_commitments",
    # errors
    "ComputationLimitError",
    "InputError",
    # explanations
    "Explanation",
    "latex_number",
    # reliability
    "HOURS_PER_YEAR",
    "Downtime",
    "availability",
    "downtime",
    "k_of_n",
    "k_of_n_unreliability",
    "mission_reliability",
    "mission_unreliability",
    "nines",
    "parallel",
    "parallel_unreliability",
    "series",
    "series_unreliability",
    "unavailability",
    # targets
    "downtime_budget",
    # topology
    "Component",
    "components_from_table",
    "components_table",
    "Tier",
    "Topology",
    "TopologyResult",
    "document_from_tiers",
    "document_from_token",
    "evaluate",
    "parse_topology",
    "replica_what_if",
    "share_token",
    "tiers_from_document",
    "to_dot",
    # latency: reading response-time uploads
    "LATENCY_FORMATS",
    "LatencyFormat",
    "LatencyHistogram",
    "detect_latency_format",
    "read_latencies",
    "read_latency_histograms",
    "select_requests",
    # timeouts: percentiles with confidence, timeout, retries, back-off, hedging
    "DEFAULT_PERCENTILES",
    "JITTERS",
    "HistogramPercentile",
    "PolicyResult",
    "RetryOutcome",
    "TimeoutRecommendation",
    "backoff_table",
    "compare_policies",
    "endpoint_table",
    "hedged_latency",
    "latency_bins",
    "latency_over_time",
    "percentile_spectrum",
    "histogram_percentile",
    "histogram_percentile_table",
    "nearest_rank",
    "percentile_name",
    "percentile_table",
    "quantile_interval_ranks",
    "recommend_timeout",
    "retry_outcome",
    "simulate_policy",
    # configs: ready-to-paste client and proxy policies
    "envoy_route_config",
    "grpc_service_config",
    "resilience4j_properties",
]
