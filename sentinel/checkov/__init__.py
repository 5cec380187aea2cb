"""checkov custom checks: one per Sentinel policy, named after it (see ../README.md)."""
