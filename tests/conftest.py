"""Every test tier keeps live-class state in a throwaway folder, never in the repository's own state/ folder.

Set before the package is imported (STATE_DIR is read at import) and inherited by the servers the browser tests
start.
"""

import os
import tempfile

os.environ.setdefault("KETAMINE_STATE_DIR", tempfile.mkdtemp(prefix="ketamine-state-"))
os.environ.pop("KETAMINE_CLASS_DB", None)
