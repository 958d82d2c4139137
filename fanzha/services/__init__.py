"""Services layer: one module per desk; the use cases, their transactions and permissions."""
