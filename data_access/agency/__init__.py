"""Agency social workers: their assignments judged by DfE's agency rules, their cost, and the
quarterly return to DfE. Above `national` (it reads the regions of DfE's published file) and
`settings` (our authority, the minimum notice)."""
