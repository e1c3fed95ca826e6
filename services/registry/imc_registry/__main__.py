"""``python -m imc_registry``: run the registry service."""

from imc_registry.app import create_app
from imc_registry.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
