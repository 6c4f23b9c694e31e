"""Request and response bodies of the planning API, one module per area."""
