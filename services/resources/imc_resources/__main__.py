"""``python -m imc_resources``: run the resources service."""

from imc_resources.app import create_app
from imc_resources.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
