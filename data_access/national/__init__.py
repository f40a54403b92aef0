"""The national picture: DfE's published workforce figures (benchmarks), our authority
compared with England, region and neighbours, and our own census return."""
