"""Only for ``scrapyd-deploy``, which builds an egg with ``python setup.py bdist_egg``.

Packages, package data and the ``scrapy`` entry point (``crawler.settings``) come from
pyproject.toml; without this file scrapyd-deploy would write its own setup.py, which
ignores it. The egg also carries ``schemas/`` at its root, where ``audit.schema``
looks for them once :mod:`crawler.egg` has unpacked the egg.
"""

import sys
from glob import glob

from setuptools import setup

if "bdist_egg" in sys.argv:
    setup(data_files=[("schemas", sorted(glob("schemas/*.schema.json")))])
else:
    setup()
