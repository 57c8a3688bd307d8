"""`make bench` (`python -m tools.bench`): cold starts, memory and the local server's figures, printed.

Imported by the bench's fresh interpreters too (tools/bench/child.py): keep it free of imports.
"""
