"""Package discovery only; all metadata lives in pyproject.toml.

``find_packages`` picks up every ``app`` subpackage, so a new one cannot drop out of the wheel;
``app.resources`` is the top-level resources/ directory mapped in pyproject's package-dir,
which discovery cannot see under app/.
"""

from setuptools import find_namespace_packages, find_packages, setup

# resources/ subfolders (demo/, icons/) hold data only; naming them as packages keeps
# setuptools from warning that an "importable" folder would be dropped.
RESOURCES = ["app.resources"] + [f"app.resources.{name}"
                                 for name in find_namespace_packages(where="resources")]

setup(packages=find_packages(include=["app", "app.*"]) + RESOURCES)
