"""Floor reference app for the benchmarks: the minimal app of this stack (a 50-row synthetic CSV loaded once with
st.cache_data, two plotly.graph_objects charts a page). Same layout as bench/reference: this overview and one page."""

from common import draw, load

draw(load(), "Floor overview (synthetic data)")
