"""The statistics feature: figures over tips, grouped, with small groups suppressed."""
