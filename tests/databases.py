"""The two databases csx writes, as the tests see them: a --db target and a way to read it back."""

import json
import sqlite3


class SQLiteTarget:
    name = "sqlite"

    def __init__(self, path):
        self.target = str(path)

    def rows(self, sql: str, values=()) -> list:
        with sqlite3.connect(self.target) as connection:
            return connection.execute(sql, values).fetchall()

    def execute(self, *statements):
        with sqlite3.connect(self.target) as connection:
            for statement in statements:
                connection.execute(statement)

    @staticmethod
    def record(value) -> dict:
        return json.loads(value)  # TEXT


class PostgreSQLTarget:
    name = "postgresql"

    def __init__(self, url: str):
        self.target = url

    def rows(self, sql: str, values=()) -> list:
        import psycopg

        with psycopg.connect(self.target) as connection:
            return connection.execute(sql.replace("?", "%s"), values).fetchall()

    def execute(self, *statements):
        import psycopg

        with psycopg.connect(self.target) as connection:
            for statement in statements:
                connection.execute(statement)

    @staticmethod
    def record(value) -> dict:
        assert isinstance(value, dict)  # JSONB comes back parsed
        return value
