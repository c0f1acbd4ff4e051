"""The approver's pages: a second person approves or denies an assessment."""
