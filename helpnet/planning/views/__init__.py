"""Pages of the planning app, split by entity: plans and their items, priority areas, measure proposals."""
