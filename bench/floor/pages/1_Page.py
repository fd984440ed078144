"""Floor page: the same two charts on a filtered slice of the synthetic data."""

from common import draw, load

df = load()
draw(df[df["dimension"] == "onset"], "Floor page (synthetic data)")
