"""``python -m imc_federation``: run the centre aggregator."""

from imc_federation.app import create_app
from imc_federation.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
