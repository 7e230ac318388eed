"""基层治理案例库：load → validate → catalog → render."""

from pathlib import Path

# The package lives in src/casebook; schemas/ and cases/ sit at the project root.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = PROJECT_ROOT / "schemas"
CASES_DIR = PROJECT_ROOT / "cases"
