"""Reference page: the same two charts on a filtered slice."""

from common import draw, load

df = load()
draw(df[df["dimension"] == "onset"], "Reference page")
