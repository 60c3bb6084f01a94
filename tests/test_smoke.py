from conftest import MINIMAL


def test_minimal_project_checks_clean(make_project, run):
    root = make_project()
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    assert "1 modules, 1 packs: 0 errors" in result.output


def test_minimal_fixture_has_every_file():
    assert set(MINIMAL) == {
        "content/modules/alpha.yaml",
        "content/packs/basic.yaml",
        "content/sources.yaml",
        "content/glossary.yaml",
    }
