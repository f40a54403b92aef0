"""The ground everything stands on: configuration, the one engine, the tables, dates, the
organisation's scopes (area, hub, team) and getting a database ready."""
