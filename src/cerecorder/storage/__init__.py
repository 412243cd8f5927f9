"""The vault on disk: SQLCipher connection, schema, repositories, unit of work."""
