"""``python -m imc_applications``: run the applications service."""

from imc_applications.app import create_app
from imc_applications.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
