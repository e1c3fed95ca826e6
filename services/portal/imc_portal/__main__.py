"""``python -m imc_portal``: run the portal."""

from imc_portal.app import create_app
from imc_portal.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
