"""Private RabbitMQ nodes and PostgreSQL clusters for tests and ``make run``."""
