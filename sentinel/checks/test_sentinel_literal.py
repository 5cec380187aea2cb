"""Tests of the Sentinel mock reader (sentinel_literal.py)."""

import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sentinel_literal import LiteralError, parse  # noqa: E402


class SentinelLiteralTests(unittest.TestCase):
    def test_values(self):
        text = '''
        # a comment
        terraform_version = "1.9.8" // another
        /* a block
           comment */
        resource_changes = {
            "a.b": {"actions": ["create",], "after": null, "n": -1.5e3, "ok": true, "no": false,},
        }
        empty = {}
        '''
        self.assertEqual(parse(text), {
            "terraform_version": "1.9.8",
            "resource_changes": {"a.b": {"actions": ["create"], "after": None, "n": -1500.0, "ok": True, "no": False}},
            "empty": {},
        })

    def test_escapes(self):
        self.assertEqual(parse(r'x = "a\"b\\c\u00e9"'), {"x": 'a"b\\c\u00e9'})

    def test_errors(self):
        cases = {
            'x = {"a": 1 "b": 2}': "line 1: expected ',', found '\"b\"'",
            'x = 1\nx = 2': "line 2: x assigned twice",
            'x = {"a": 1, "a": 2}': "line 1: duplicate key 'a'",
            'x = [1, 2': "line 1: expected ',', found 'the end'",
            'x = [1,': "line 1: expected a value, found 'the end'",
            'x = func()': "line 1: unexpected '()'",
            'x = other': "line 1: expected a value, found 'other'",
            'x = "open': "line 1: unexpected '\"open'",
            '= 1': "line 1: expected a name, found '='",
            'x = {[1]: 2}': "line 1: a map key must be a string or a number",
        }
        for text, message in cases.items():
            with self.subTest(text=text):
                with self.assertRaisesRegex(LiteralError, "^" + re.escape(message)):
                    parse(text)


if __name__ == "__main__":
    unittest.main()
