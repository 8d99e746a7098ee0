"""The one compiled part: the monitor's per-character text passes (``monitor/_textscan.c``).

Optional: without a C compiler the package installs and runs the same Python code, slower.
Everything else about the package is in ``pyproject.toml``.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[Extension("monitor._textscan", ["monitor/_textscan.c"], optional=True)],
)
