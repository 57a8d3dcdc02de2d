"""Storage: SQLAlchemy tables, repositories, migrations and importers."""
