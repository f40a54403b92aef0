"""Reports made from the dashboard figures: the improvement board pack (PDF)."""
