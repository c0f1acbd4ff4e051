"""`samverkan run` starts the witness for the demo only; `samverkan serve witness` always."""

from samverkan_shared.supervisor import Suite


def test_the_suite_runs_a_witness_only_in_the_demo(tmp_path) -> None:
    def names(**options) -> list[str]:
        return [spec.name for spec in Suite(data_dir=tmp_path, **options).specs]

    assert "witness" in names(demo=True)
    assert "witness" not in names(demo=False)
    assert names(demo=False, only=["witness"]) == ["witness"]
