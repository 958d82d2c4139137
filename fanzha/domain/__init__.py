"""Domain layer: entities, value types and rules that need no I/O. Imports nothing of Fanzha."""
