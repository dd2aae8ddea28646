"""HTML views over the lineage graph; every asset is served locally from /static."""

from viz.views import add_views

__all__ = ["add_views"]
