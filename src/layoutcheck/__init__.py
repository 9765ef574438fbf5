"""layoutcheck: visual screenshot-regression testing with a learned judge.

The package imports nothing heavy at the top: entry points import what they run.
"""

__version__ = "0.1.0"
