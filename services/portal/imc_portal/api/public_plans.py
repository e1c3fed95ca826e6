"""``/public/plans``: the instance's published plans and the sites' road-map rows agreed
with them, for everyone, without a login."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from imc_portal.clients import BackendClient, BackendError
from imc_portal.services import public_plans
from imc_portal.services.accounts import Clock
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context


class PublicPlansController(Controller):
    """The published plans of the instance (page)."""

    include_in_schema = False

    @get("/public/plans", summary="Published plans and road maps (page)")
    async def page(
        self,
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[BackendClient],
        clock: NamedDependency[Clock],
    ) -> Template:
        plans: list[public_plans.Plan] = []
        error = None
        try:
            plans = await public_plans.published_plans(scheduling)
        except BackendError as failure:
            error = failure.message
        return Template(
            template_name="public_plans.html",
            context={
                **base_context(settings, now=clock()),
                "section": "public",
                "plans": plans,
                "roadmaps": public_plans.roadmaps_of(plans),
                "plans_error": error,
            },
        )
