"""Tests from outside: csx run as a user runs it on hostile input (cases.py
makes it from the real-shaped fixture generators), and property tests of
the library on mutated job documents."""
