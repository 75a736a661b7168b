"""`python -m docdenoise` runs the command line."""

from docdenoise.cli import entry

entry()
