"""csx: declarative, schema-checked extraction of CryoSPARC job facts."""

__version__ = "0.1.0"
