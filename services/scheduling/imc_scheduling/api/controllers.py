"""Scheduling HTTP controllers."""

from litestar import Controller, get

from imc_scheduling.api.schemas import Roadmap
from imc_scheduling.services import roadmaps
from imc_shared.db import Database


class RoadmapController(Controller):
    """Road maps of the district's sites."""

    path = "/roadmaps"
    tags = ["roadmaps"]

    @get("/", summary="List road maps")
    async def index(self, database: Database) -> list[Roadmap]:
        return [Roadmap.of(row) for row in await roadmaps.list_roadmaps(database=database)]
