"""``python -m imc_scheduling``: run the scheduling service."""

from imc_scheduling.app import create_app
from imc_scheduling.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
