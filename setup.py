"""Only for ``scrapyd-deploy``, which builds an egg with ``python setup.py bdist_egg``.

Everything (packages, package data, the ``scrapy`` entry point naming
``crawler.settings``) comes from pyproject.toml; without this file scrapyd-deploy
would write its own setup.py, which ignores it.
"""

from setuptools import setup

setup()
