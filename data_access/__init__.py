"""Data layer of the workforce dashboard.

Everything the pages show comes through here: the tables (`models`), the one engine (`db`),
the validated import (`importer`), the metrics computed in SQL (`metrics`), the policy settings
and targets (`policy`), the demo organisation (`demo`) and the command line (`__main__`).
"""
