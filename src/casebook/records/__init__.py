"""The records: rules (schema folder), loader, validator and catalog."""
