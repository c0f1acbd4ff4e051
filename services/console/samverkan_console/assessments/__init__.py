"""The assessment queue and the assessor's page for one request."""
