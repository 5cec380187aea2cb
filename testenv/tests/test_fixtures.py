"""Fixtures of the Swift tests that are generated from botocore's models stay in step
with the models installed (regenerating them changes nothing)."""
import pathlib
import subprocess
import sys

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"


def test_task_definition_fixture_matches_botocore_model():
    script = FIXTURES / "task_definition_every_member.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
