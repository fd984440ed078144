"""Reference app for the benchmarks: the floor this stack allows (cached CSV loader, two Plotly charts a page)."""

from common import draw, load

draw(load(), "Reference overview")
