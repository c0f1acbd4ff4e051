"""The offline verifier behind `samverkan audit verify`: a remote log checked as data."""
