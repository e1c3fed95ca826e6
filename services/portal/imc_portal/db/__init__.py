"""The portal's own database: accounts, sessions, failed logins."""
