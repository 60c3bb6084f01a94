def test_minimal_project_checks_clean(make_project, run):
    root = make_project()
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    assert "1 module, 1 pack: 0 errors, 0 warnings" in result.output
