"""Planning pages, one module per area. Thin: scope through selectors, write through services,
audit every view."""
