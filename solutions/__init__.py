"""The course's single source of truth: reference helpers and instructor notebooks."""
