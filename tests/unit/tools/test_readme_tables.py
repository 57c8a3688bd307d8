"""README's parameter and permission tables are generated from template.yaml (`make params`) and never drift."""

from tools.params import README, render, sections


def test_readme_tables_match_the_template():
    current = README.read_text()
    assert render(current, sections()) == current, "run `make params` to regenerate README's tables"


def test_every_parameter_is_in_the_table():
    from tools.local.template import Template

    table = sections()["parameters"]
    for name in Template(overrides={}).raw["Parameters"]:
        assert f"| `{name}` |" in table, name
