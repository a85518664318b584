"""The demo's last step: its data is loaded in bulk (no signals), so its monthly
summary is built from scratch, as the worker's daily pass would."""

from referable.insight import summary
from referable.practices.demo import DemoPlan
from referable.practices.models import Practice


def build(practice: Practice, plan: DemoPlan) -> None:
    summary.refresh(practice, everything=True)
