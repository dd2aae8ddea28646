"""Analyses of a cascade that researchers ask for beyond its shape (issue 12).

Reads: a :class:`graph.service.Lineage`. Returns: JSON-ready answers, one module
per analysis: coverage (:mod:`graph.analytics.coverage`: who should have
implemented and has not, with the expected units of :mod:`graph.analytics.units`),
timeline and lag (:mod:`graph.analytics.timeline`, over
:mod:`graph.analytics.dates`); their tables (:mod:`graph.analytics.tables`); and
:class:`Analytics`, which keeps the answers per read-model generation.
"""

from graph.analytics.service import ANALYSES, Analytics

__all__ = ["ANALYSES", "Analytics"]
