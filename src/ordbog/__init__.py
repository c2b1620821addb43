"""ordbog: Danish health glossary articles in, a static website out."""

__version__ = "0.1.0"
