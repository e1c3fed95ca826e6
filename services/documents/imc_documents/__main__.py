"""``python -m imc_documents``: run the documents service."""

from imc_documents.app import create_app
from imc_documents.settings import get_settings
from imc_shared.runtime import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(create_app(settings), settings)
