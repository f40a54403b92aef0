"""Shared pieces of the pages: cached calls into data_access and formatting. No SQL here."""
