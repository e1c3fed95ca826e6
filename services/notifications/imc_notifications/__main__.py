"""``python -m imc_notifications``: run the notifications service."""

from imc_notifications.app import create_app
from imc_notifications.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
