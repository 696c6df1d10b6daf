"""ftmath: the exact maths behind the Fault Tolerance Workbench.

Pure functions and small result objects: no UI, no printing, no global state. Each topic is a
module with its own ``__all__``; the package re-exports all of them, so ``ftmath.evaluate``,
``ftmath.read_latencies`` and the rest are one import away. The stable contract is in
``docs/DESIGN.md``. Export builders (bytes out) stay in :mod:`ftmath.report`.
"""

from ftmath import catalog as _catalog
from ftmath import configs as _configs
from ftmath import correlation as _correlation
from ftmath import correlation_charts as _correlation_charts
from ftmath import diagram as _diagram
from ftmath import errors as _errors
from ftmath import events as _events
from ftmath import explain as _explain
from ftmath import incidents as _incidents
from ftmath import latency as _latency
from ftmath import redundancy as _redundancy
from ftmath import reliability as _reliability
from ftmath import roi as _roi
from ftmath import roi_report as _roi_report
from ftmath import roi_uncertainty as _roi_uncertainty
from ftmath import simulate as _simulate
from ftmath import slo as _slo
from ftmath import targets as _targets
from ftmath import timeouts as _timeouts
from ftmath import timeparse as _timeparse
from ftmath import topology as _topology
from ftmath import topology_editing as _topology_editing
from ftmath.catalog import *  # noqa: F403
from ftmath.configs import *  # noqa: F403
from ftmath.correlation import *  # noqa: F403
from ftmath.correlation_charts import *  # noqa: F403
from ftmath.diagram import *  # noqa: F403
from ftmath.errors import *  # noqa: F403
from ftmath.events import *  # noqa: F403
from ftmath.explain import *  # noqa: F403
from ftmath.incidents import *  # noqa: F403
from ftmath.latency import *  # noqa: F403
from ftmath.redundancy import *  # noqa: F403
from ftmath.reliability import *  # noqa: F403
from ftmath.roi import *  # noqa: F403
from ftmath.roi_report import *  # noqa: F403
from ftmath.roi_uncertainty import *  # noqa: F403
from ftmath.simulate import *  # noqa: F403
from ftmath.slo import *  # noqa: F403
from ftmath.targets import *  # noqa: F403
from ftmath.timeouts import *  # noqa: F403
from ftmath.timeparse import *  # noqa: F403
from ftmath.topology import *  # noqa: F403
from ftmath.topology_editing import *  # noqa: F403

# In reading order; a module name that is also a function (ftmath.roi) means the function.
_TOPICS = (
    _errors,
    _explain,
    _reliability,
    _targets,
    _topology,
    _topology_editing,
    _diagram,
    _catalog,
    _redundancy,
    _latency,
    _timeouts,
    _configs,
    _timeparse,
    _events,
    _correlation,
    _correlation_charts,
    _incidents,
    _slo,
    _roi,
    _roi_uncertainty,
    _roi_report,
    # simulate
    _simulate,
)

__all__ = [name for module in _TOPICS for name in module.__all__]
