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

# correlation
from ftmath.correlation import (
    Cascades,
    Coincidence,
    CorrelationResult,
    LagResult,
    cascades,
    coincidence_table,
    coincidences,
    correlate,
    cross_correlation,
    parse_bin,
)
from ftmath.diagram import to_dot
from ftmath.errors import ComputationLimitError, InputError

# events (correlation)
from ftmath.events import (
    NO_TYPE,
    read_columns,
    read_events,
    refine_types,
    select_events,
    type_summary,
)
from ftmath.explain import Explanation, latex_number, latex_text
from ftmath.incidents import (
    IncidentStats,
    cause_labels,
    cause_summary,
    filter_incidents,
    incident_columns,
    incident_statistics,
    merge_outages,
    read_incidents,
)
from ftmath.redundancy import (
    ARRANGEMENTS,
    Comparison,
    RedundancyResult,
    active_failure_stages,
    compare_configurations,
    hours_from_rate,
    load_sharing,
    mttf_active,
    mttf_standby,
    redundant_group,
    repairable,
    warm_standby,
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
from ftmath.roi import (
    DOWNTIME_COST_REFERENCES,
    HOURS_RANGE,
    MAX_MONEY,
    ROI_INPUTS,
    SENSITIVITY_INPUTS,
    BreakEven,
    DowntimeCost,
    DowntimeCostReference,
    RoiResult,
    break_even,
    downtime_cost_per_hour,
    mtbf_mttr_from_figures,
    roi,
    roi_sensitivity,
)
from ftmath.roi_report import (
    RoiAnalysis,
    RoiScenario,
    analyse_roi,
    scenario_from_json,
)
from ftmath.roi_uncertainty import RoiSimulation, simulate_roi
from ftmath.slo import SloReport, incident_report_markdown, slo_report
from ftmath.targets import downtime_budget

# times (correlation; shared with incidents)
from ftmath.timeparse import check_timezone, parse_times
from ftmath.topology import (
    Component,
    Topology,
    TopologyResult,
    evaluate,
    load_document,
    parse_topology,
)
from ftmath.topology_editing import (
    Tier,
    components_from_table,
    components_table,
    document_from_tiers,
    document_from_token,
    replica_what_if,
    share_token,
    tiers_from_document,
)

__all__ = [
    # catalog of component figures
    "example_multi_region",
    "example_storage_array",
    "example_web_service",
    "read_drive_survival",
    "read_sla_commitments",
    # correlation
    "Cascades",
    "Coincidence",
    "CorrelationResult",
    "LagResult",
    "cascades",
    "coincidence_table",
    "coincidences",
    "correlate",
    "cross_correlation",
    "parse_bin",
    # events (correlation)
    "NO_TYPE",
    "read_columns",
    "read_events",
    "refine_types",
    "select_events",
    "type_summary",
    # times (correlation; shared with incidents)
    "check_timezone",
    "parse_times",
    # errors
    "ComputationLimitError",
    "InputError",
    # explanations
    "Explanation",
    "latex_number",
    "latex_text",
    # incidents
    "IncidentStats",
    "cause_labels",
    "cause_summary",
    "filter_incidents",
    "incident_columns",
    "incident_statistics",
    "merge_outages",
    "read_incidents",
    # redundancy
    "ARRANGEMENTS",
    "Comparison",
    "RedundancyResult",
    "active_failure_stages",
    "compare_configurations",
    "hours_from_rate",
    "load_sharing",
    "mttf_active",
    "mttf_standby",
    "redundant_group",
    "repairable",
    "warm_standby",
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
    # roi
    "DOWNTIME_COST_REFERENCES",
    "HOURS_RANGE",
    "MAX_MONEY",
    "ROI_INPUTS",
    "SENSITIVITY_INPUTS",
    "BreakEven",
    "DowntimeCost",
    "DowntimeCostReference",
    "RoiAnalysis",
    "RoiResult",
    "RoiScenario",
    "RoiSimulation",
    "analyse_roi",
    "break_even",
    "downtime_cost_per_hour",
    "mtbf_mttr_from_figures",
    "roi",
    "roi_sensitivity",
    "scenario_from_json",
    "simulate_roi",
    # slo
    "SloReport",
    "incident_report_markdown",
    "slo_report",
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
    "load_document",
    "parse_topology",
    "replica_what_if",
    "share_token",
    "tiers_from_document",
    "to_dot",
]
