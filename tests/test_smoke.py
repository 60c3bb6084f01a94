def test_minimal_project_checks_clean(make_project, run):
    root = make_project()
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    assert "1 module, 1 pack: 0 errors, 1 warning" in result.output  # 2 quiz items where the docs ask for 6
