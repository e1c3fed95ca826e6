"""The library every IMC service uses: settings, logging, database, broker, outbox,
inbox, HTTP app factory."""
