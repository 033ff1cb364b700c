"""Products made from scored results, one module per product, each reading the same results."""
