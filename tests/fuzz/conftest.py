"""The atheris harnesses here are run by hand (see README "Robustness"), never by the default pytest run."""

collect_ignore_glob = ["fuzz_*.py"]
