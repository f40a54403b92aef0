"""Who may see what: users, roles and grants, small-number suppression, the access log, and
the organisation's settings (whose changes are logged)."""
