"""Fleet (above advice, below reports): N hosts' sources, grouped by identical register
sets, the check verdict of every ordered pair of groups, one baseline rule set for the pool
and the spread of the registers that differ. See fleet.analyse; ``cpreg-explorer fleet``
prints it (reports/fleet_report.py) and the Fleet window shows it (app/ui/fleet).
"""

from app.model.fleet.baseline import Baseline
from app.model.fleet.deployment import DestinationDeployment
from app.model.fleet.fleet import Fleet, analyse
from app.model.fleet.grouping import FleetGroup, group_sources
from app.model.fleet.matrix import FleetCell
from app.model.fleet.pool import FleetCancelled, PoolSource, read_pool
from app.model.fleet.spread import SpreadEntry
from app.model.fleet.unfixable import Unfixable

__all__ = ["Baseline", "DestinationDeployment", "Fleet", "FleetCancelled", "FleetCell",
           "FleetGroup", "PoolSource", "SpreadEntry", "Unfixable", "analyse", "group_sources",
           "read_pool"]
