"""Settings of the exam-results analysis service."""

from typing import Literal

import msgspec

from imc_shared.settings import ServiceSettings, load_settings

MB = 1024 * 1024


class District(msgspec.Struct, frozen=True, kw_only=True):
    """A district federated into the centre (the federation service reads the same)."""

    name: str
    """Human name, e.g. «Яйский муниципальный округ»."""
    upstream: str = ""


class AnalyticsSettings(ServiceSettings, frozen=True, kw_only=True):
    """Analytics settings; everything comes from ``IMC_*`` variables."""

    instance_kind: Literal["district", "centre"] = "district"
    """``IMC_INSTANCE_KIND``: ``district`` (an IMC: results of its own schools, matched to
    the registry) or ``centre`` (the ММЦ: one file covers the schools of all its districts,
    each row names its district)."""
    districts: str = "{}"
    """``IMC_DISTRICTS`` (the centre): JSON object, district code -> {"name": ...}, as the
    federation service reads it; the «округ» column of an imported file names one of them
    (by code or name) or the centre itself."""
    time_zone: str = "Asia/Novokuznetsk"
    """``IMC_TIME_ZONE``: what «today» is (the date of a deficit, of a printed note)."""
    documents_url: str = "http://127.0.0.1:8004"
    """``IMC_DOCUMENTS_URL``: the documents service (an analysis is printed there as an
    information note)."""
    scheduling_url: str = "http://127.0.0.1:8003"
    """``IMC_SCHEDULING_URL``: the scheduling service (a problem becomes a seminar there)."""
    growth_url: str = "http://127.0.0.1:8007"
    """``IMC_GROWTH_URL``: the growth service (a problem becomes a teacher's deficit there)."""
    neighbour_timeout_seconds: float = 30.0
    """``IMC_NEIGHBOUR_TIMEOUT_SECONDS``: how long a call to scheduling or growth may take."""
    documents_timeout_seconds: float = 60.0
    """``IMC_DOCUMENTS_TIMEOUT_SECONDS``: how long the note may take to render."""
    problem_threshold_percent: float = 50.0
    """``IMC_PROBLEM_THRESHOLD_PERCENT``: a task or content element whose district mean
    percent of completion is below this in the latest year is a problem."""
    low_results_margin_pp: float = 15.0
    """``IMC_LOW_RESULTS_MARGIN_PP``: a school whose result is below its district's mean by
    at least this many percentage points in every year it has results (and at least
    ``low_results_min_years`` of them) is listed for targeted help."""
    low_results_min_years: int = 2
    """``IMC_LOW_RESULTS_MIN_YEARS``: how many years of results «stays low» needs."""
    analysis_years: int = 3
    """``IMC_ANALYSIS_YEARS``: how many latest years an analysis covers by default."""
    min_schools_for_mean: int = 3
    """``IMC_MIN_SCHOOLS_FOR_MEAN``: a school representative sees the district mean of a
    task only when at least this many schools wrote it (with two, the mean and their own
    result would give away the other school's)."""
    max_upload_bytes: int = 20 * MB
    """``IMC_MAX_UPLOAD_BYTES``: largest results file accepted."""
    signatory_name: str = ""
    """``IMC_SIGNATORY_NAME``: who signs the printed note (empty: the documents service's
    letterhead signatory)."""
    signatory_position: str = ""
    """``IMC_SIGNATORY_POSITION``: their position (empty: the letterhead's)."""
    organiser_name: str = ""
    """``IMC_ORGANISER_NAME``: organiser of a seminar planned from a problem, e.g.
    «МБУ «ИМЦ» Яйского округа» (empty: «ИМЦ», at the centre «ММЦ»)."""

    @property
    def is_centre(self) -> bool:
        """The ММЦ: results carry the district of each school."""
        return self.instance_kind == "centre"

    def district_map(self) -> dict[str, District]:
        """The centre's districts, parsed."""
        return msgspec.json.decode(self.districts, type=dict[str, District])

    def district_names(self) -> dict[str, str]:
        """Names of the districts results may belong to, by code (the centre's own town
        among them; a district instance knows only itself)."""
        names = {code: d.name for code, d in self.district_map().items()} if self.is_centre else {}
        names.setdefault(self.district, self.district_name or self.district)
        return names


def get_settings() -> AnalyticsSettings:
    """Read the service's settings from the environment."""
    settings = load_settings(AnalyticsSettings, "analytics")
    settings.district_map()  # fail at start on a bad value
    return settings
