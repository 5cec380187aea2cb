# Sourced by scripts/check-iac and scripts/terraform-docs: makes the ignored .venv-iac/
# (idempotent; quick when present). Sets IAC_VENV, IAC_TOOLS_PY, IAC_CHECKOV, IAC_WHEEL.
IAC_VENV="${IAC_VENV:-$PWD/.venv-iac}"
IAC_TOOLS_PY="$IAC_VENV/tools/bin/python"
IAC_CHECKOV="$IAC_VENV/checkov/bin/checkov"
# The AWS provider schema: cdktf-cdktf-provider-aws 21.22.1 is AWS provider 6.25.0 (versions.tf).
IAC_SCHEMA_WHEEL_VERSION="21.22.1"
IAC_WHEEL="$IAC_VENV/wheels/cdktf_cdktf_provider_aws-$IAC_SCHEMA_WHEEL_VERSION-py3-none-any.whl"

iac_pip() { "$1/bin/pip" install -q --disable-pip-version-check --no-compile "${@:2}"; }

iac_tools_venv() {
  local req=scripts/iac/requirements-tools.txt
  if [ ! -x "$IAC_TOOLS_PY" ] || ! cmp -s "$req" "$IAC_VENV/tools/requirements.txt"; then
    python3 -m venv --clear "$IAC_VENV/tools"
    iac_pip "$IAC_VENV/tools" -r "$req"
    cp "$req" "$IAC_VENV/tools/requirements.txt"
  fi
  if [ ! -f "$IAC_WHEEL" ]; then
    "$IAC_TOOLS_PY" -m pip download -q --disable-pip-version-check --no-deps -d "$IAC_VENV/wheels" \
      "cdktf-cdktf-provider-aws==$IAC_SCHEMA_WHEEL_VERSION"
  fi
}

iac_checkov_venv() {
  local req=scripts/iac/requirements-checkov.txt
  if [ ! -x "$IAC_CHECKOV" ] || ! cmp -s "$req" "$IAC_VENV/checkov/requirements.txt"; then
    python3 -m venv --clear "$IAC_VENV/checkov"
    iac_pip "$IAC_VENV/checkov" -r "$req"
    cp "$req" "$IAC_VENV/checkov/requirements.txt"
  fi
}
