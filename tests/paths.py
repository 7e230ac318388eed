"""The project under test and its rules, read once for the whole test run."""

from pathlib import Path

from casebook.records.rules import Rules

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = PROJECT_ROOT / "cases"
RULES = Rules(PROJECT_ROOT / "schemas")
