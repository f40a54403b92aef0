"""The figures: the rule book (policy), each metric's one definition, the set-based engine
(grid and stored parts), breakdowns by unit and month, headline summaries and data quality."""
