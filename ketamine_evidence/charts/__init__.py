"""Chart builders: tidy DataFrame in, Plotly figure out. No Streamlit.

One colour, symbol and dash per treatment group, used on every page, from the Okabe-Ito colour-blind-safe
palette (plus dark greys), so ketamine looks the same everywhere and no group is told apart by colour alone.
One module per kind of chart: base (colours, template, hover, labels, wrappers), dots, counts, compare, forest,
profile (side effects) and live (the class's answers).
"""

from .base import *  # noqa: F401,F403
from .dots import *  # noqa: F401,F403
from .counts import *  # noqa: F401,F403
from .compare import *  # noqa: F401,F403
from .forest import *  # noqa: F401,F403
from .profile import *  # noqa: F401,F403
from .live import *  # noqa: F401,F403
from .base import _escape, _shorten, _style, _wrapped  # noqa: F401  (used by tests and views)
