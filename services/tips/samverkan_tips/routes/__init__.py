"""The tips service's HTTP routes, one module per resource."""
