"""A scenario's page: every catalog scenario is drawn by the same sections.

The page is :data:`dashboard.sections.scenario_page.SECTIONS`, shared with the
own-model page, which draws its typed model with the same list.
"""

from __future__ import annotations

from dashboard.sections import scenario_page


def render(scenario_id: str) -> None:
    """The page of the registered scenario ``scenario_id``."""
    scenario_page.render(scenario_id)
