"""``python -m imc_analytics``: run the exam-results analysis service."""

from imc_analytics.app import create_app
from imc_analytics.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
