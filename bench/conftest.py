"""bench's own tests (bench/tests/) import its modules by name, as its scripts do each other:
bench/ goes on sys.path here, once, and not in each test."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
