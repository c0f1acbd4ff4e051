"""Suppliers: their record of tips, and call-off stops and lifts."""
