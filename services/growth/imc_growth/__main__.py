"""``python -m imc_growth``: run the professional growth service."""

from imc_growth.app import create_app
from imc_growth.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
